"""The bench floors mounted as settings.BENCH would (it is off in the tests)."""

from django.urls import include, path

urlpatterns = [
    path("bench/", include("bench.urls")),
    path("", include("ecandidat.urls")),
]
