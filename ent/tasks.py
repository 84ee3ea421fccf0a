"""Celery tasks of the ENT app: thin, by primary key, calling the services."""

from celery import shared_task

from accounts.models import User

from .services import records_import


@shared_task(acks_late=True)
def import_student_records(user_id: int, source: str, student_number: str = "") -> str:
    """Imports one candidate's student record (idempotent: a second run changes nothing)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return "account gone"
    return records_import(user=user, source=source, student_number=student_number).after["outcome"]
