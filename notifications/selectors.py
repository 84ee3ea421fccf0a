"""Reads on the outbox: a candidate's own mails, newest first."""

from django.db.models import QuerySet

from .models import Outbox


def messages_for(*, user) -> QuerySet[Outbox]:
    return Outbox.objects.filter(recipient=user).order_by("-created_at", "-pk")
