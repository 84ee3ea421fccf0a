"""The Celery application: configured from Django settings (CELERY_* names)."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecandidat.settings")

app = Celery("ecandidat")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(sender=None, **kwargs):
    """Around each task, what Django does around each request: a connection past
    CONN_MAX_AGE, or broken, is closed; a healthy one is kept. Celery's own fixup would close
    every connection before and after every task (a new PostgreSQL session per task: about
    half the time of a mail's delivery on the benchmark machine), so it is told to leave them
    (CELERY_DB_REUSE_MAX in the settings)."""
    if sender is not None and getattr(sender.request, "is_eager", False):
        return  # inside the caller's transaction (embedded mode, tests)
    from django.db import close_old_connections

    close_old_connections()
