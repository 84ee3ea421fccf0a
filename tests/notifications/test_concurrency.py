"""Races on PostgreSQL, with real concurrent connections: two deliveries of one row send it
once; two identical notify() calls write one row."""

import threading

import pytest
from django.db import connection, transaction

from notifications.events import Event, sample_context
from notifications.models import Outbox, Status
from notifications.services import notify, outbox_deliver
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _race(function, count=4):
    """Runs function in `count` threads released together; returns their results."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(function())
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    return results


def test_concurrent_deliveries_send_once(postgres_db, mailoutbox, monkeypatch):
    from notifications import services

    monkeypatch.setattr(services, "enqueue", lambda *, outbox_id: True)
    row = notify(
        event=Event.APPLICATION_RECEIVED,
        recipient=UserFactory(),
        context=sample_context(Event.APPLICATION_RECEIVED),
        object_key="candidature:1:received",
    )
    results = _race(lambda: outbox_deliver(outbox_id=row.pk))
    assert sorted(results) == ["sent", "skipped", "skipped", "skipped"]
    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 1)


def test_concurrent_identical_notifications_write_one_row(postgres_db, monkeypatch):
    from notifications import services

    monkeypatch.setattr(services, "enqueue", lambda *, outbox_id: True)
    user = UserFactory()

    def call():
        with transaction.atomic():
            return notify(
                event=Event.APPLICATION_COMPLETE,
                recipient=user,
                context=sample_context(Event.APPLICATION_COMPLETE),
                object_key="candidature:1:complete",
            ).pk

    results = _race(call)
    assert len(set(results)) == 1
    assert Outbox.objects.count() == 1
