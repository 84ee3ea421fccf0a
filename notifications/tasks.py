"""Celery tasks, thin: they load by primary key and call the service."""

from celery import shared_task

from .services import outbox_deliver, outbox_sweep


# acks_late: a worker killed mid-task leaves the message on the broker, and the row's lease
# protects against a second send while the first worker might still be alive.
@shared_task(acks_late=True, ignore_result=True)
def deliver_outbox(outbox_id: int) -> str:
    return outbox_deliver(outbox_id=outbox_id)


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    return outbox_sweep()
