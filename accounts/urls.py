"""Account URLs that replace or add to allauth's (mounted before allauth's under accounts/)."""

from django.urls import path

from . import views

urlpatterns = [
    # Same path as allauth's confirmation view, so its mails link here.
    path("confirm-email/<str:key>/", views.activate, name="account_activate"),
    path("activation/resend/", views.resend_activation, name="account_resend_activation"),
]
