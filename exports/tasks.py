"""Builds an export in a worker (thin: loads by id, calls the service)."""

from celery import shared_task

from .services import export_build


@shared_task(acks_late=True, ignore_result=True)
def build_export(export_id: int) -> str:
    return export_build(export_id=export_id)
