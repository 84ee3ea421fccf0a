"""Celery tasks, thin: they load by primary key and call the service."""

from celery import shared_task
from django.conf import settings

from .services import outbox_deliver, outbox_sweep


# acks_late: a worker killed mid-task leaves the message on the broker, and the row's lease
# protects against a second send while the first worker might still be alive. The task takes
# other due rows along (NOTIFICATIONS_BATCH_SIZE): under a backlog, one claim, one session.
# Run eagerly (embedded mode, tests) it sends its own row only: a request never sends
# other people's mail.
@shared_task(bind=True, acks_late=True, ignore_result=True)
def deliver_outbox(self, outbox_id: int) -> str:
    batch = 1 if self.request.is_eager else settings.NOTIFICATIONS_BATCH_SIZE
    return outbox_deliver(outbox_id=outbox_id, batch=batch)


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    return outbox_sweep()
