"""Scheduled application jobs (thin: they call the job functions)."""

from celery import shared_task

from .jobs import expire_overdue_confirmations


@shared_task
def expire_confirmations():
    return expire_overdue_confirmations()
