from django.urls import path

from . import views

app_name = "bench"

urlpatterns = [
    path("floor/", views.floor, name="floor"),
    path("floor/auth/", views.floor_authenticated, name="floor_authenticated"),
]
