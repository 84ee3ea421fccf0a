"""Every outgoing mail: templates, delivery, and the candidate's message history."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
