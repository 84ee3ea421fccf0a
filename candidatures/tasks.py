"""Scheduled application jobs (thin: they call the job functions)."""

from celery import shared_task

from .jobs import expire_overdue_confirmations


@shared_task
def expire_confirmations():
    return expire_overdue_confirmations()


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def run_bulk_operation(self, operation_id: int):
    """Thin: the service does the work, one application at a time."""
    from .services import bulk_operation_run

    bulk_operation_run(operation_id=operation_id)
