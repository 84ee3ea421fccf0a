"""Scheduled jobs on applications (called by the beat task and the operator command)."""

from django.utils import timezone

from .selectors import overdue_for_expiry
from .workflow import WorkflowError, candidature_expire


def expire_overdue_confirmations(*, dry_run: bool = False, limit: int | None = None) -> str:
    """Favourable decisions left unanswered past the confirmation deadline count as
    withdrawals (the guide says so). Each goes through the workflow's ``expire`` transition,
    so a candidate confirming at the same moment is either in time or refused, never both."""
    overdue = overdue_for_expiry(now=timezone.now())[:limit]
    if dry_run:
        listed = ", ".join(str(c.pk) for c in overdue) or "-"
        return f"{len(overdue)} application(s) to expire: {listed}"
    expired = skipped = 0
    for candidature in overdue:
        try:
            candidature_expire(candidature=candidature)
            expired += 1
        except WorkflowError:  # answered or changed meanwhile
            skipped += 1
    return f"{expired} application(s) expired, {skipped} skipped."
