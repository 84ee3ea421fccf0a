"""``audit_record``: called inside the transaction of the change it records, so a rolled-back
change leaves no entry and a committed one always has its entry."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from .models import AuditEntry


def _plain(values: dict | None) -> dict:
    """JSON-safe values (dates, decimals and lazy strings become text)."""
    return {
        key: value if isinstance(value, int | float | bool | type(None)) else str(value)
        for key, value in (values or {}).items()
    }


def audit_record(
    *,
    actor,
    action: str,
    obj,
    before: dict | None = None,
    after: dict | None = None,
    comment: str = "",
    at=None,
) -> AuditEntry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change")
    return AuditEntry.objects.create(
        at=at or timezone.now(),
        actor=actor,
        actor_label=actor.email if actor is not None else "system",
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=_plain(before),
        after=_plain(after),
        comment=comment,
    )


def audit_entries_for(obj):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
    ).select_related("actor")
