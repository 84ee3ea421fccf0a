"""Reads on applications shared by pages, jobs and commands."""

from django.db.models import Q

from .models import Candidature, Decision, Status


def overdue_for_expiry(*, now):
    """Published favourable applications left unanswered past their confirmation deadline
    (the fixed date, or N days after publication: that one is computed per row)."""
    candidates = (
        Candidature.objects.filter(
            status=Status.COMPLETE,
            decision=Decision.FAVOURABLE,
            decision_published_at__isnull=False,
            answer="",
        )
        .filter(
            Q(programme__confirmation_deadline__lte=now)
            | Q(programme__confirmation_deadline__isnull=True)
        )
        .select_related("programme")
        .order_by("pk")
    )
    return [c for c in candidates if c.programme.confirmation_deadline_for(c) <= now]
