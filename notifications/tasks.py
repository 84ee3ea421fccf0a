"""Celery tasks, thin: they load by primary key and call the service."""

from celery import shared_task
from django.conf import settings

from .services import outbox_deliver, outbox_sweep


# acks_late: a worker killed mid-task leaves the message on the broker, and the row's lease
# protects against a second send while the first worker might still be alive. The task takes
# other due rows along (NOTIFICATIONS_BATCH_SIZE): under a backlog, one claim, one session.
@shared_task(acks_late=True, ignore_result=True)
def deliver_outbox(outbox_id: int) -> str:
    return outbox_deliver(outbox_id=outbox_id, batch=settings.NOTIFICATIONS_BATCH_SIZE)


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    return outbox_sweep()
