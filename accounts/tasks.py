"""Scheduled account jobs (thin: they call the service)."""

from celery import shared_task

from .services import accounts_purge_unactivated


@shared_task
def purge_unactivated_accounts():
    return str(accounts_purge_unactivated())
