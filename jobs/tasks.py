"""The one task every schedule calls: ``run_job(name)`` (the admin's PeriodicTask rows name
the job in their arguments)."""

from celery import shared_task

from .models import Trigger
from .runner import job_run


@shared_task(ignore_result=True)
def run_job(name: str, run_id: int | None = None) -> str:
    trigger = Trigger.ADMIN if run_id else Trigger.SCHEDULE
    return job_run(name=name, trigger=trigger, run_id=run_id).summary
