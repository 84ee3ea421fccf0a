"""Reads on the outbox: a candidate's own mails, newest first."""

from django.db.models import QuerySet

from ecandidat.prepared import Prepared

from .models import Outbox

# What the list shows of each mail.
LIST_COLUMNS = ("pk", "event", "subject", "status", "created_at", "sent_at")


def messages_for(*, user) -> QuerySet[Outbox]:
    return _messages_of(user.pk)


def _messages_of(user_id: int) -> QuerySet[Outbox]:
    """The one scope of a candidate's messages, newest first (``first_messages`` too)."""
    return Outbox.objects.filter(recipient_id=user_id).order_by("-created_at", "-pk")


# The first ``limit`` rows of the list, the SQL written once per connection and limit (the
# page every candidate opens; Django compiled it again on each visit).
_first_rows = {}


def first_messages(*, user, limit: int) -> list[Outbox]:
    prepared = _first_rows.get(limit)
    if prepared is None:
        prepared = _first_rows[limit] = Prepared(
            lambda user_id: _messages_of(user_id).only(*LIST_COLUMNS)[:limit]
        )
    return prepared(user_id=user.pk)
