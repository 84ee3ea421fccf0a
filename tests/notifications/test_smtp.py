"""The production SMTP path against a real SMTP server on loopback (aiosmtpd, in this
process): the server's answer is stored, one session serves many mails, a dropped session is
replaced."""

import datetime

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from notifications.events import Event, sample_context
from notifications.models import Outbox, Status
from notifications.services import notify, outbox_deliver
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_settings(settings, smtp_sink):
    settings.EMAIL_BACKEND = "notifications.backends.SMTPBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = False
    return settings


def _row(user, n):
    return notify(
        event=Event.APPLICATION_COMPLETE,
        recipient=user,
        cc=["centre@example.org"],
        context=sample_context(Event.APPLICATION_COMPLETE),
        object_key=f"candidature:{n}:complete",
    )


def test_mails_share_one_session_and_keep_the_server_answer(smtp_settings, smtp_sink):
    user = UserFactory()
    rows = [_row(user, n) for n in range(3)]
    for row in rows:
        assert outbox_deliver(outbox_id=row.pk) == "sent"
        row.refresh_from_db()
    assert [r.smtp_response for r in rows] == [
        f"250 2.0.0 Ok: queued as SINK{n}" for n in (1, 2, 3)
    ]
    assert len(set(smtp_sink.peers)) == 1
    _, content, recipients = smtp_sink.accepted[0]
    assert recipients == [user.email, "centre@example.org"]
    assert f"Message-ID: {rows[0].message_id}" in content
    assert "Content-Type: text/html" in content


def test_a_session_dropped_by_the_server_is_replaced(smtp_settings, smtp_sink):
    user = UserFactory()
    first, second = _row(user, 1), _row(user, 2)
    assert outbox_deliver(outbox_id=first.pk) == "sent"
    # The server restarts: the session kept by this process is dead.
    smtp_sink.controller.stop()
    smtp_sink.controller = Controller(smtp_sink, hostname="127.0.0.1", port=smtp_sink.port)
    smtp_sink.controller.start()
    assert outbox_deliver(outbox_id=second.pk) == "sent"
    second.refresh_from_db()
    assert (second.status, second.attempts) == (Status.SENT, 1)
    assert len(smtp_sink.accepted) == 2
    assert len(set(smtp_sink.peers)) == 2


def test_refusal_is_recorded_with_the_server_answer(smtp_settings, smtp_sink):
    smtp_sink.refuse = True
    row = _row(UserFactory(), 1)
    assert outbox_deliver(outbox_id=row.pk) == "retry"
    row.refresh_from_db()
    assert row.status == Status.PENDING
    assert "451" in row.last_error and "Try again later" in row.last_error


def test_a_task_takes_other_due_rows_along_on_one_session(smtp_settings, smtp_sink):
    """The worker's task (batch > 1): its row first, then other due rows on the same session,
    each marked sent on its own; the others' own tasks then skip. A row on its last attempt
    or not due is left alone."""
    smtp_settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    user = UserFactory()
    rows = [_row(user, n) for n in range(5)]
    last_attempt, later = rows[3], rows[4]
    Outbox.objects.filter(pk=last_attempt.pk).update(attempts=2)
    Outbox.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert outbox_deliver(outbox_id=rows[2].pk, batch=10) == "sent"
    statuses = dict(Outbox.objects.values_list("pk", "status"))
    assert [statuses[r.pk] for r in rows] == [Status.SENT] * 3 + [Status.PENDING] * 2
    assert len(smtp_sink.accepted) == 3 and len(set(smtp_sink.peers)) == 1
    # Its own row went first.
    assert f"Message-ID: {rows[2].message_id}" in smtp_sink.accepted[0][1]
    assert outbox_deliver(outbox_id=rows[0].pk, batch=10) == "skipped"
    assert len(smtp_sink.accepted) == 3


def test_a_refusal_in_a_batch_gives_the_rest_back_untried(smtp_settings, smtp_sink):
    user = UserFactory()
    first, second, third = (_row(user, n) for n in range(3))
    smtp_sink.refuse = True
    assert outbox_deliver(outbox_id=first.pk, batch=10) == "retry"
    first.refresh_from_db()
    assert (first.status, first.attempts) == (Status.PENDING, 1)
    # The server refused once: the other rows were not tried, their attempt not counted,
    # and they wait for the sweep (not marked as queued).
    for row in (second, third):
        row.refresh_from_db()
        assert (row.status, row.attempts, row.queued_at, row.lease_until) == (
            Status.PENDING,
            0,
            None,
            None,
        )
    assert len(smtp_sink.attempts) == 1


def test_a_batch_where_one_send_fails(smtp_settings, smtp_sink):
    """The rows before the refused one are sent, each once; the refused one waits for its
    retry with the backoff, its attempt counted; the rows after it go back untried. Sent again
    later, nothing is received twice."""
    users = UserFactory.create_batch(4)
    rows = [_row(user, n) for n, user in enumerate(users)]
    smtp_sink.refuse_recipients = {users[2].email}
    before = timezone.now()
    assert outbox_deliver(outbox_id=rows[0].pk, batch=10) == "sent"
    by_pk = {row.pk: row for row in Outbox.objects.all()}
    sent, refused, untried = (
        [by_pk[rows[0].pk], by_pk[rows[1].pk]],
        by_pk[rows[2].pk],
        by_pk[rows[3].pk],
    )
    assert [(r.status, r.attempts, r.smtp_response[:3]) for r in sent] == [
        (Status.SENT, 1, "250")
    ] * 2
    assert (refused.status, refused.attempts, refused.queued_at) == (Status.PENDING, 1, None)
    assert "452" in refused.last_error and "Mailbox full" in refused.last_error
    backoff = datetime.timedelta(seconds=smtp_settings.NOTIFICATIONS_BACKOFF_SECONDS)
    assert refused.next_attempt_at >= before + backoff
    assert (untried.status, untried.attempts, untried.queued_at) == (Status.PENDING, 0, None)
    assert len(smtp_sink.accepted) == 2 and len(smtp_sink.attempts) == 3

    # The untried row is due at once; the refused one when its backoff is over.
    smtp_sink.refuse_recipients = set()
    assert outbox_deliver(outbox_id=rows[3].pk, batch=10) == "sent"
    assert outbox_deliver(outbox_id=rows[2].pk, batch=10) == "skipped"  # not due yet
    later = timezone.now() + backoff + datetime.timedelta(seconds=1)
    assert outbox_deliver(outbox_id=rows[2].pk, batch=10, now=later) == "sent"
    for row in rows[:2]:
        assert outbox_deliver(outbox_id=row.pk, batch=10) == "skipped"
    received = [content for _, content, _ in smtp_sink.accepted]
    assert sorted(
        next(r.message_id for r in rows if f"Message-ID: {r.message_id}" in content)
        for content in received
    ) == sorted(r.message_id for r in rows)
    assert set(Outbox.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_batch_costs_one_statement_per_mail(smtp_settings, smtp_sink, django_assert_num_queries):
    """What the worker's task says to the database: its claim, its row and attachments, the
    others' claim (a savepoint here, the test runs in a transaction), their rows and
    attachments, then one UPDATE per mail after its 250; each other row's own task, one
    UPDATE that finds it sent."""
    user = UserFactory()
    rows = [_row(user, n) for n in range(6)]
    with django_assert_num_queries(3 + 4 + 2 + 6):
        assert outbox_deliver(outbox_id=rows[0].pk, batch=10) == "sent"
    assert len(smtp_sink.accepted) == 6
    with django_assert_num_queries(1):
        assert outbox_deliver(outbox_id=rows[1].pk, batch=10) == "skipped"


def test_the_batch_budget_counts_from_the_claim_not_from_after_the_first_mail(
    smtp_settings, smtp_sink, monkeypatch
):
    """The other rows' lease starts when they are claimed, before this row's own mail goes:
    a slow first mail eats into it. Counting the budget only from after that mail let a
    worker start a row whose lease was about to end, which another worker could then send
    again."""
    import types

    import notifications.services as services

    smtp_settings.NOTIFICATIONS_LEASE_SECONDS = 10
    smtp_settings.EMAIL_TIMEOUT = 1  # budget: 10 - 6 x 1 = 4 s
    clock = [0.0]
    monkeypatch.setattr(services, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    deliver = services._deliver_claimed

    def slow_first(row, *, now):
        result = deliver(row, now=now)
        clock[0] += 5  # the own mail took 5 s of the 10 s lease
        return result

    monkeypatch.setattr(services, "_deliver_claimed", slow_first)
    user = UserFactory()
    first, second, third = (_row(user, n) for n in range(3))

    assert outbox_deliver(outbox_id=first.pk, batch=10) == "sent"
    for row in (second, third):
        row.refresh_from_db()
        assert (row.status, row.attempts, row.lease_until) == (Status.PENDING, 0, None)
    assert len(smtp_sink.accepted) == 1
