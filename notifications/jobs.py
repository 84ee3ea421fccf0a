"""The outbox's scheduled job (see ``jobs.registry``): queue the mails that are due."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.registry import JobReport, scheduled_job

from .services import due_rows, outbox_sweep


@scheduled_job(
    "notifications.outbox_sweep", label=_("Queue the outgoing mails that are due"), every=60
)
def sweep(*, dry_run: bool, limit: int | None) -> JobReport:
    report = JobReport()
    if dry_run:
        due = due_rows(now=timezone.now()).count()
        report.add("due", due)
        report.summary = f"{due} mail(s) due, none queued"
        return report
    limit = limit or 20_000
    batch = max(1, min(limit, 1000))
    queued = outbox_sweep(batch=batch, max_batches=-(-limit // batch))
    report.add("queued", queued)
    report.summary = f"{queued} mail(s) queued"
    return report
