"""Runs a registered job and writes its run log row. Whatever happens inside the job, the row
ends with a status, the counts and the errors; a run whose process died stays « running »
until the next run of the same job marks it interrupted (after ``JOBS_STALE_AFTER_SECONDS``)."""

import logging
import os
import socket
import traceback
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import JobRun, RunStatus, Trigger
from .registry import JobReport, get_job

logger = logging.getLogger(__name__)


def job_queue(*, name: str, user, dry_run: bool = False) -> JobRun:
    """« Run now »: a queued run log row, and the task sent after the commit."""
    from .tasks import run_job

    get_job(name)  # unknown names are refused here, not in the worker
    run = JobRun.objects.create(job=name, trigger=Trigger.ADMIN, triggered_by=user, dry_run=dry_run)
    transaction.on_commit(lambda: run_job.delay(name, run_id=run.pk))
    return run


def _mark_stale(name: str, now) -> None:
    stale_after = timedelta(seconds=settings.JOBS_STALE_AFTER_SECONDS)
    JobRun.objects.filter(
        job=name, status=RunStatus.RUNNING, started_at__lt=now - stale_after
    ).update(status=RunStatus.INTERRUPTED, finished_at=now)


def job_run(
    *,
    name: str,
    trigger: str = Trigger.SCHEDULE,
    user=None,
    dry_run: bool = False,
    limit: int | None = None,
    run_id: int | None = None,
) -> JobRun:
    job = get_job(name)
    now = timezone.now()
    _mark_stale(name, now)
    run = JobRun.objects.filter(pk=run_id, job=name).first() if run_id else None
    if run is None:
        run = JobRun(job=name, trigger=trigger, triggered_by=user, dry_run=dry_run)
    run.limit = limit
    run.status = RunStatus.RUNNING
    run.started_at = now
    run.host = f"{socket.gethostname()}:{os.getpid()}"[:100]
    run.save()
    report = JobReport()
    try:
        report = job.function(dry_run=run.dry_run, limit=limit) or report
        run.status = RunStatus.PARTIAL if report.errors else RunStatus.SUCCEEDED
    except Exception:
        logger.exception("job %s failed", name)
        report.errors.append(traceback.format_exc(limit=20))
        run.status = RunStatus.FAILED
    except BaseException:  # the worker is being stopped: the current batch rolled back
        run.status = RunStatus.INTERRUPTED
        raise
    finally:
        run.finished_at = timezone.now()
        run.counts = report.counts
        run.summary = report.summary_line(dry_run=run.dry_run)[:2000]
        run.errors = "\n".join(report.errors)[:20000]
        run.save()
        run.report = report
    logger.info("job %s: %s", name, run.summary)
    return run
