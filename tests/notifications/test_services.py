"""notify() writes one row per (event, object, address) and delivery after commit; delivery
claims, sends, records, backs off and gives up after the last attempt."""

import datetime
import io
import smtplib

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.events import Event, sample_context
from notifications.models import Outbox, Status
from notifications.services import (
    Attachment,
    NoAddress,
    UnknownEvent,
    backoff,
    notify,
    outbox_deliver,
    outbox_send_again,
    outbox_sweep,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _notify(user, **kwargs):
    params = {
        "event": Event.APPLICATION_RECEIVED,
        "recipient": user,
        "context": sample_context(Event.APPLICATION_RECEIVED),
        "object_key": "candidature:42:received",
    }
    params.update(kwargs)
    return notify(**params)


def test_notify_renders_in_the_recipients_language_and_sends_after_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(language="en", email="camille@example.org")
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        row = _notify(user, language="fr", cc=["centre@example.org", " "])
        assert mailoutbox == []  # nothing leaves before commit
    assert len(callbacks) == 1
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.attempts == 1
    assert row.sent_at is not None
    assert row.smtp_response.startswith("accepted by ")
    assert row.language == "en"
    assert row.recipient == user
    assert row.cc == ["centre@example.org"]
    [message] = mailoutbox
    assert message.to == ["camille@example.org"]
    assert message.cc == ["centre@example.org"]
    assert (
        message.subject
        == row.subject
        == ("[ecandidat] Application received: Master Sciences du langage")
    )
    assert message.body == row.body_text
    assert user.candidate_number in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and html == row.body_html
    assert message.extra_headers["Message-ID"] == row.message_id


def test_rollback_leaves_no_row_and_no_mail(mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify(user)
        raise RuntimeError
    assert Outbox.objects.count() == 0
    assert mailoutbox == []


def test_repeated_call_returns_the_same_row_and_sends_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = _notify(user)
        second = _notify(user, context={**sample_context(Event.APPLICATION_RECEIVED)})
    assert first.pk == second.pk
    assert Outbox.objects.count() == 1
    assert len(mailoutbox) == 1
    # Another object, or another address, is another mail.
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user, object_key="candidature:43:received")
        _notify(user, to="other@example.org")
    assert Outbox.objects.count() == 3
    assert len(mailoutbox) == 3


def test_a_task_run_twice_sends_once(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = _notify(UserFactory())
    assert outbox_deliver(outbox_id=row.pk) == "skipped"
    assert len(mailoutbox) == 1


def test_notify_without_a_user_uses_the_address_and_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = notify(
            event=Event.UNKNOWN_ACCOUNT,
            to="nobody@example.org",
            language="en",
            context={"signup_url": "http://testserver/accounts/signup/"},
            object_key="x",
        )
    assert row.recipient is None
    assert mailoutbox[0].to == ["nobody@example.org"]
    assert "No ecandidat account for this address" in mailoutbox[0].subject


def test_attachments_are_stored_and_sent(mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(
            user,
            event=Event.DECISION_FAVOURABLE,
            context=sample_context(Event.DECISION_FAVOURABLE),
            attachments=[Attachment("admission.pdf", b"%PDF-1.7 letter")],
        )
    [(name, content, mimetype)] = mailoutbox[0].attachments
    assert (name, content, mimetype) == ("admission.pdf", b"%PDF-1.7 letter", "application/pdf")


def test_unknown_event_or_missing_address_is_refused():
    with pytest.raises(UnknownEvent):
        notify(event="nope", to="a@example.org", context={}, object_key="x")
    with pytest.raises(NoAddress):
        notify(event=Event.UNKNOWN_ACCOUNT, context={}, object_key="x")


def test_concurrent_insert_of_the_same_key_returns_the_winner(monkeypatch):
    user = UserFactory()
    winner = _notify(user)
    # The other caller's existence check ran before the winner committed.
    real_filter = Outbox.objects.filter
    calls = {"n": 0}

    def first_check_misses(*args, **kwargs):
        calls["n"] += 1
        qs = real_filter(*args, **kwargs)
        return qs.none() if calls["n"] == 1 else qs

    monkeypatch.setattr(Outbox.objects, "filter", first_check_misses)
    assert _notify(user).pk == winner.pk
    assert Outbox.objects.count() == 1


class FakeBackend:
    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        pass

    def close(self):
        pass


class Refusing(FakeBackend):
    """A backend whose server refuses every mail."""

    def send_messages(self, messages):
        raise smtplib.SMTPDataError(451, b"4.3.0 try again later")


def test_smtp_error_backs_off_then_fails_after_the_last_attempt(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_BACKOFF_SECONDS = 60
    monkeypatch.setattr(services, "get_connection", lambda **kw: Refusing())
    with django_capture_on_commit_callbacks(execute=True):
        row = _notify(UserFactory())
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert "451" in row.last_error
    assert row.queued_at is None
    first_retry = row.next_attempt_at
    # Not due yet: neither the sweep nor a stray task touches it.
    assert outbox_deliver(outbox_id=row.pk) == "skipped"
    assert outbox_sweep(now=first_retry - datetime.timedelta(seconds=1)) == 0

    assert outbox_deliver(outbox_id=row.pk, now=first_retry) == "retry"
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.next_attempt_at == first_retry + backoff(2)
    assert backoff(2) == 2 * backoff(1)

    assert outbox_deliver(outbox_id=row.pk, now=row.next_attempt_at) == "failed"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, 3)
    assert outbox_sweep(now=row.next_attempt_at + datetime.timedelta(days=2)) == 0


def test_sweep_requeues_due_rows_and_expired_leases_only(
    settings, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_REQUEUE_AFTER_SECONDS = 300
    queued = []
    monkeypatch.setattr(services, "enqueue", lambda *, outbox_id: queued.append(outbox_id) or True)
    user = UserFactory()
    fresh = _notify(user, object_key="fresh")  # queued just now
    lost = _notify(user, object_key="lost")
    Outbox.objects.filter(pk=lost.pk).update(queued_at=None)  # the broker was down
    stuck = _notify(user, object_key="stuck")
    now = timezone.now()
    Outbox.objects.filter(pk=stuck.pk).update(
        status=Status.SENDING,
        lease_until=now - datetime.timedelta(seconds=1),
        queued_at=now - datetime.timedelta(minutes=10),
    )
    held = _notify(user, object_key="held")
    Outbox.objects.filter(pk=held.pk).update(
        status=Status.SENDING, lease_until=now + datetime.timedelta(minutes=5)
    )
    queued.clear()
    assert outbox_sweep(now=now) == 2
    assert sorted(queued) == sorted([lost.pk, stuck.pk])
    # The next sweep leaves them alone while they wait in the queue...
    queued.clear()
    assert outbox_sweep(now=now + datetime.timedelta(seconds=60)) == 0
    # ...and queues again whatever is still pending, or held past its lease, later on.
    assert outbox_sweep(now=now + datetime.timedelta(minutes=6)) == 4
    assert sorted(queued) == sorted([fresh.pk, lost.pk, stuck.pk, held.pk])


def test_expired_lease_is_claimed_again_and_sent(mailoutbox, monkeypatch):
    monkeypatch.setattr(services, "enqueue", lambda *, outbox_id: True)
    row = _notify(UserFactory())
    now = timezone.now()
    Outbox.objects.filter(pk=row.pk).update(
        status=Status.SENDING, attempts=1, lease_until=now + datetime.timedelta(minutes=5)
    )
    assert outbox_deliver(outbox_id=row.pk, now=now) == "skipped"  # a live worker holds it
    later = now + datetime.timedelta(minutes=6)
    assert outbox_deliver(outbox_id=row.pk, now=later) == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.lease_until) == (Status.SENT, 2, None)
    assert len(mailoutbox) == 1


def test_accepted_mail_counts_as_sent_even_if_closing_fails(
    monkeypatch, django_capture_on_commit_callbacks
):
    class AcceptsThenBreaks(FakeBackend):
        def send_messages(self, messages):
            messages[0].smtp_response = "250 2.0.0 Ok: queued as ABC"
            raise smtplib.SMTPServerDisconnected("during QUIT")

    monkeypatch.setattr(services, "get_connection", lambda **kw: AcceptsThenBreaks())
    with django_capture_on_commit_callbacks(execute=True):
        row = _notify(UserFactory())
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.smtp_response == "250 2.0.0 Ok: queued as ABC"


def test_broker_down_at_commit_keeps_the_row_for_the_sweep(
    monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    from notifications import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.deliver_outbox, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        row = _notify(UserFactory())
    row.refresh_from_db()
    assert (row.status, row.queued_at, row.attempts) == (Status.PENDING, None, 0)
    assert mailoutbox == []
    monkeypatch.undo()
    assert outbox_sweep() == 1
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert len(mailoutbox) == 1


def test_send_again_restarts_sent_and_failed_rows(mailoutbox, django_capture_on_commit_callbacks):
    staff = UserFactory(staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        sent = _notify(UserFactory(), object_key="a")
        failed = _notify(UserFactory(), object_key="b")
    Outbox.objects.filter(pk=failed.pk).update(status=Status.FAILED, attempts=8)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_send_again(outbox_ids=[sent.pk, failed.pk], actor=staff) == 2
    assert len(mailoutbox) == 2
    assert set(Outbox.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}


def test_a_row_whose_worker_dies_on_the_last_attempt_is_failed(settings, monkeypatch):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    monkeypatch.setattr(services, "enqueue", lambda *, outbox_id: True)
    row = _notify(UserFactory())
    now = timezone.now()
    Outbox.objects.filter(pk=row.pk).update(
        status=Status.SENDING, attempts=2, lease_until=now - datetime.timedelta(seconds=1)
    )
    assert outbox_deliver(outbox_id=row.pk, now=now) == "skipped"
    assert outbox_sweep(now=now) == 0
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, 2)
    assert "last attempt" in row.last_error


def test_a_mail_that_cannot_be_built_counts_as_a_failed_attempt(monkeypatch):
    def broken(row):
        raise ValueError("attachment unreadable")

    monkeypatch.setattr(services, "enqueue", lambda *, outbox_id: True)
    monkeypatch.setattr(services, "build_message", broken)
    row = _notify(UserFactory())
    assert outbox_deliver(outbox_id=row.pk) == "retry"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert "attachment unreadable" in row.last_error


def test_after_a_failed_publish_the_broker_is_left_alone_for_a_moment(monkeypatch):
    from notifications import tasks

    calls = []

    def broker_down(*args, **kwargs):
        calls.append(args)
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.deliver_outbox, "delay", broker_down)
    monkeypatch.setattr(tasks.deliver_outbox.app.conf, "task_always_eager", False)
    user = UserFactory()
    first, second = _notify(user, object_key="a"), _notify(user, object_key="b")
    assert services.enqueue(outbox_id=first.pk) is False
    assert services.enqueue(outbox_id=second.pk) is False
    assert len(calls) == 1  # the second mail did not wait for the broker again
    assert set(Outbox.objects.values_list("queued_at", flat=True)) == {None}


def test_sweep_command_sends_due_mails_in_embedded_mode(mailoutbox, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setattr(services, "enqueue", lambda *, outbox_id: True)
    row = _notify(UserFactory())
    Outbox.objects.filter(pk=row.pk).update(queued_at=None)
    monkeypatch.undo()
    out = io.StringIO()
    call_command("outbox_sweep", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "1 mail(s) due, none queued (dry run)"
    assert mailoutbox == []
    call_command("outbox_sweep", stdout=out)
    assert "1 mail(s) queued" in out.getvalue()
    assert len(mailoutbox) == 1


def test_dates_are_shown_in_the_recipients_language_and_our_timezone(
    mailoutbox, django_capture_on_commit_callbacks
):
    deadline = datetime.datetime(2027, 5, 15, 21, 59, tzinfo=datetime.UTC)  # 23:59 in Paris
    with django_capture_on_commit_callbacks(execute=True):
        for language in ("fr", "en"):
            notify(
                event=Event.RETURN_DEADLINE_REMINDER,
                recipient=UserFactory(language=language),
                context={
                    **sample_context(Event.RETURN_DEADLINE_REMINDER),
                    "return_deadline": deadline,
                },
                object_key="candidature:1:reminder",
            )
    french, english = mailoutbox
    assert "avant le 15 mai 2027 23:59" in french.subject
    # Day first and 24-hour in English too (issue 13: "May 15, 2027, 11:59" read as morning).
    assert "15 May 2027, 23:59" in english.subject


def test_sweep_works_through_a_backlog_in_batches(monkeypatch):
    queued = []
    monkeypatch.setattr(services, "enqueue", lambda *, outbox_id: queued.append(outbox_id) or True)
    user = UserFactory()
    rows = [_notify(user, object_key=f"k{n}") for n in range(5)]
    Outbox.objects.update(queued_at=None)
    queued.clear()
    assert outbox_sweep(batch=2) == 5
    assert sorted(queued) == sorted(r.pk for r in rows)


def test_sweep_stops_when_the_broker_fails(monkeypatch):
    calls = []

    def down(*, outbox_id):
        calls.append(outbox_id)
        Outbox.objects.filter(pk=outbox_id).update(queued_at=None)
        return False

    user = UserFactory()
    monkeypatch.setattr(services, "enqueue", lambda *, outbox_id: True)
    for n in range(5):
        _notify(user, object_key=f"k{n}")
    Outbox.objects.update(queued_at=None)
    monkeypatch.setattr(services, "enqueue", down)
    assert outbox_sweep(batch=2) == 0
    assert len(calls) == 2  # one batch, then it gives up until the next sweep
