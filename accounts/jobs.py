"""The accounts' scheduled job (see ``jobs.registry``)."""

from django.utils.translation import gettext_lazy as _

from jobs.registry import JobReport, scheduled_job

from .services import accounts_purge_unactivated


@scheduled_job(
    "accounts.purge_unactivated",
    label=_("Delete accounts not activated within 48 hours"),
    crontab="7 * * * *",
)
def purge_unactivated(*, dry_run: bool, limit: int | None) -> JobReport:
    purge = accounts_purge_unactivated(dry_run=dry_run, limit=limit)
    report = JobReport(lines=purge.deleted, summary=str(purge))
    report.add("would delete" if dry_run else "deleted", len(purge.deleted))
    return report
