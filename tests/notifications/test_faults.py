"""Faults that must lose nothing, with real services: Redis, a real Celery worker process, an
SMTP sink on loopback (fixtures in conftest.py). PostgreSQL is needed so the worker sees the
test database."""

import datetime
import signal

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.events import Event, sample_context
from notifications.models import Outbox, Status
from notifications.services import notify, outbox_send_again, outbox_sweep
from notifications.tasks import sweep_outbox
from tests.factories import UserFactory

from .conftest import CLOSED_BROKER_URL, REDIS_URL, use_broker, wait_until
from .test_account_mails import SIGNUP

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _status(pk):
    return Outbox.objects.values_list("status", flat=True).get(pk=pk)


def _sweep_until(pk, status):
    """Plays the beat: sweeps (queuing to the real worker) until the row reaches the status."""

    def swept():
        outbox_sweep()
        return _status(pk) == status

    wait_until(swept, what=f"outbox {pk} to become {status}")


def test_broker_down_at_commit_then_the_sweep_delivers_exactly_once(
    client, celery_producer, start_worker, smtp_sink, process_settings
):
    start_worker()
    use_broker(CLOSED_BROKER_URL)
    response = client.post(reverse("account_signup"), SIGNUP)

    # The request succeeded and the mail waits in the outbox.
    assert response.status_code == 302
    row = Outbox.objects.get()
    assert (row.event, row.status, row.queued_at, row.attempts) == (
        Event.ACTIVATION,
        Status.PENDING,
        None,
        0,
    )
    assert smtp_sink.accepted == []

    # The broker is back: the beat's sweep task, run by the real worker, queues the row.
    use_broker(REDIS_URL)
    sweep_outbox.delay()
    wait_until(lambda: _status(row.pk) == Status.SENT, what="the activation mail to be sent")
    row.refresh_from_db()
    assert row.attempts == 1
    assert row.smtp_response == "250 2.0.0 Ok: queued as SINK1"
    [(_, content, recipients)] = smtp_sink.accepted
    assert recipients == ["new.candidate@example.org"]
    assert row.recipient.candidate_number in content
    assert "/accounts/confirm-email/" in content

    # Later sweeps find nothing to do: exactly once.
    assert outbox_sweep() == 0
    sweep_outbox.delay()
    assert outbox_sweep(now=timezone.now() + datetime.timedelta(hours=1)) == 0
    assert len(smtp_sink.accepted) == 1


def test_smtp_refusing_is_retried_with_backoff_then_failed_and_shown_in_admin(
    client, celery_producer, start_worker, smtp_sink, process_settings
):
    smtp_sink.refuse = True
    start_worker(NOTIFICATIONS_MAX_ATTEMPTS=3, NOTIFICATIONS_BACKOFF_SECONDS=1)
    user = UserFactory()
    row = notify(
        event=Event.APPLICATION_RECEIVED,
        recipient=user,
        context=sample_context(Event.APPLICATION_RECEIVED),
        object_key="candidature:1:received",
    )

    _sweep_until(row.pk, Status.FAILED)
    row.refresh_from_db()
    assert row.attempts == 3
    assert "451" in row.last_error and "Try again later" in row.last_error
    assert smtp_sink.accepted == []
    first, second, third = smtp_sink.attempts
    assert second - first >= 1  # backoff: 1 s, then 2 s
    assert third - second >= 2

    # Visible in the admin, and "send again" once the server accepts mail again.
    client.force_login(UserFactory(staff=True))
    page = client.get(
        reverse("admin:notifications_outbox_changelist"), {"status__exact": "failed"}
    ).content.decode()
    assert user.email in page
    smtp_sink.refuse = False
    assert outbox_send_again(outbox_ids=[row.pk], actor=None) == 1
    wait_until(lambda: _status(row.pk) == Status.SENT, what="the mail sent again")
    assert len(smtp_sink.accepted) == 1


def test_worker_killed_in_the_middle_of_a_send_delivers_once(
    celery_producer, start_worker, smtp_sink, process_settings
):
    smtp_sink.hang_first_mail = True
    first = start_worker()
    row = notify(
        event=Event.DECISION_FAVOURABLE,
        recipient=UserFactory(),
        context=sample_context(Event.DECISION_FAVOURABLE),
        object_key="candidature:7:favourable",
    )
    # The worker is talking to the SMTP server (MAIL FROM sent) when it dies.
    assert smtp_sink.hanging.wait(60), first.log.read_text()
    assert _status(row.pk) == Status.SENDING
    first.send_signal(signal.SIGKILL)
    first.wait(30)
    smtp_sink.release.set()

    start_worker()
    row.refresh_from_db()
    # Until the lease is over, nobody takes the row (the first worker might still be alive).
    assert outbox_sweep(now=row.lease_until - datetime.timedelta(seconds=1)) == 0

    _sweep_until(row.pk, Status.SENT)
    row.refresh_from_db()
    assert row.attempts == 2
    assert len(smtp_sink.accepted) == 1
    assert outbox_sweep(now=timezone.now() + datetime.timedelta(hours=1)) == 0
    assert len(smtp_sink.accepted) == 1
