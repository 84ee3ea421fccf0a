"""The candidate's Messages pages."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.message_list, name="message_list"),
    path("<int:pk>/", views.message_detail, name="message_detail"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.message_attachment,
        name="message_attachment",
    ),
]
