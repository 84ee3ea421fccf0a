"""Scheduled jobs on applications (see ``jobs.registry``): automatic withdrawal at the
confirmation deadline, the two deadline reminders, the retention purge."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.registry import JobReport, scheduled_job

from .selectors import overdue_for_expiry
from .workflow import WorkflowError, candidature_expire


def expire_overdue_confirmations(*, dry_run: bool = False, limit: int | None = None) -> str:
    """Favourable decisions left unanswered past the confirmation deadline count as
    withdrawals (the guide says so). Each goes through the workflow's ``expire`` transition,
    so a candidate confirming at the same moment is either in time or refused, never both."""
    return _expire(dry_run=dry_run, limit=limit).summary


def _expire(*, dry_run: bool, limit: int | None) -> JobReport:
    overdue = overdue_for_expiry(now=timezone.now())[:limit]
    report = JobReport()
    if dry_run:
        listed = ", ".join(str(c.pk) for c in overdue) or "-"
        report.add("to expire", len(overdue))
        report.summary = f"{len(overdue)} application(s) to expire: {listed}"
        return report
    for candidature in overdue:
        try:
            candidature_expire(candidature=candidature)
            report.add("expired")
        except WorkflowError:  # answered, or expired by another run, meanwhile
            report.add("skipped")
    expired, skipped = report.counts.get("expired", 0), report.counts.get("skipped", 0)
    report.summary = f"{expired} application(s) expired, {skipped} skipped."
    return report


@scheduled_job(
    "candidatures.expire_confirmations",
    label=_("Withdraw favourable applications left unanswered past their deadline"),
    crontab="12 * * * *",
)
def expire_confirmations(*, dry_run: bool, limit: int | None) -> JobReport:
    return _expire(dry_run=dry_run, limit=limit)


@scheduled_job(
    "candidatures.return_reminders",
    label=_("Remind drafts and incomplete applications of the return deadline"),
    crontab="0 9 * * *",
)
def return_reminders(*, dry_run: bool, limit: int | None) -> JobReport:
    from .reminders import remind_return_deadline

    return remind_return_deadline(dry_run=dry_run, limit=limit)


@scheduled_job(
    "candidatures.confirmation_reminders",
    label=_("Remind favourable candidates to confirm or withdraw"),
    crontab="5 9 * * *",
)
def confirmation_reminders(*, dry_run: bool, limit: int | None) -> JobReport:
    from .reminders import remind_confirmation_deadline

    return remind_confirmation_deadline(dry_run=dry_run, limit=limit)


@scheduled_job(
    "candidatures.retention_purge",
    label=_("Destroy archived campaigns' applications after the retention period"),
    crontab="17 4 * * *",
)
def retention(*, dry_run: bool, limit: int | None) -> JobReport:
    from .retention import retention_purge

    return retention_purge(dry_run=dry_run, limit=limit)
