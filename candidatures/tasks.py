"""Application tasks (thin: they call the job functions). The scheduled ones run through
``jobs.tasks.run_job`` (``candidatures/jobs.py``); ``publish_decisions`` is the publication a
president or the staff ask for, in the background."""

from celery import shared_task

from . import jobs


@shared_task
def expire_confirmations():
    return jobs.expire_overdue_confirmations()


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def run_bulk_operation(self, operation_id: int):
    """Thin: the service does the work, one application at a time."""
    from .services import bulk_operation_run

    bulk_operation_run(operation_id=operation_id)


# A pool's child killed meanwhile (out of memory...) fails the task, acknowledged: the rest
# of the selection would stay unpublished, as nothing else publishes what a president asked
# for. It is sent again instead, a few times only (an application whose letter kills its
# worker every time must not loop); the decisions already published are skipped.
@shared_task(retry_on_worker_lost=True, max_retries=3, default_retry_delay=5)
def publish_decisions(*, candidature_ids, actor_id=None, actor_kind=None):
    """One application at a time, one mail each."""
    return jobs.publish_requested(
        candidature_ids=candidature_ids, actor_id=actor_id, actor_kind=actor_kind
    )
