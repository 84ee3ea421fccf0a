"""The claim and the mark-sent statements are written in SQL (services._CLAIM_SQL,
_MARK_SENT_SQL) to spare the ORM's compilation on every mail: they must change exactly the rows
the ORM's conditions name, the same way."""

import datetime
import itertools

import pytest
from django.db.models import Q
from django.utils import timezone

from notifications import services
from notifications.models import Outbox, Status

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
SECOND = datetime.timedelta(seconds=1)


def _claimable(settings):
    """The claim's conditions as the ORM wrote them before."""
    return Q(status=Status.PENDING, next_attempt_at__lte=NOW) | Q(
        status=Status.SENDING,
        lease_until__lt=NOW,
        attempts__lt=settings.NOTIFICATIONS_MAX_ATTEMPTS,
    )


def _rows(settings):
    """A row in every state the conditions tell apart, each boundary on both sides."""
    top = settings.NOTIFICATIONS_MAX_ATTEMPTS
    rows = []
    for n, (status, attempts, due, lease) in enumerate(
        itertools.product(
            Status.values,
            [0, top - 1, top],
            [NOW - SECOND, NOW, NOW + SECOND],
            [None, NOW - SECOND, NOW, NOW + SECOND],
        )
    ):
        rows.append(
            Outbox(
                event="test",
                object_key=f"statements:{n}",
                idempotency_key=f"statements:{n}",
                to_address=f"s{n}@example.org",
                subject="s",
                body_text="b",
                status=status,
                attempts=attempts,
                next_attempt_at=due,
                lease_until=lease,
            )
        )
    return Outbox.objects.bulk_create(rows)


def test_the_claim_takes_exactly_the_rows_the_orm_conditions_name(settings):
    rows = _rows(settings)
    expected = set(Outbox.objects.filter(_claimable(settings)).values_list("pk", flat=True))
    assert 0 < len(expected) < len(rows)
    before = {r.pk: r for r in Outbox.objects.all()}
    claimed = {r.pk for r in rows if services._claim(outbox_id=r.pk, now=NOW) is not None}
    assert claimed == expected
    lease = NOW + datetime.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    for row in Outbox.objects.all():
        old = before[row.pk]
        if row.pk in claimed:
            assert (row.status, row.attempts, row.lease_until) == (
                Status.SENDING,
                old.attempts + 1,
                lease,
            )
        else:
            assert (row.status, row.attempts, row.lease_until) == (
                old.status,
                old.attempts,
                old.lease_until,
            )
        assert row.next_attempt_at == old.next_attempt_at


def test_mark_sent_changes_a_sending_row_only(settings):
    class Accepted:
        smtp_response = "250 2.0.0 Ok: queued as X"
        connection = None

    rows = _rows(settings)
    Outbox.objects.update(last_error="earlier error", smtp_response="")
    started = timezone.now()
    for row in rows:
        assert services._mark_sent(row, Accepted()) == "sent"
    for row in Outbox.objects.all():
        if row.pk in {r.pk for r in rows if r.status == Status.SENDING}:
            assert (row.status, row.lease_until, row.last_error, row.smtp_response) == (
                Status.SENT,
                None,
                "",
                "250 2.0.0 Ok: queued as X",
            )
            assert row.sent_at >= started
        else:
            assert (row.sent_at, row.smtp_response, row.last_error) == (None, "", "earlier error")
    assert Outbox.objects.filter(status=Status.SENT).count() == sum(
        r.status in (Status.SENDING, Status.SENT) for r in rows
    )
    # Attempts are the claim's business, not this statement's.
    assert {r.pk: r.attempts for r in Outbox.objects.all()} == {r.pk: r.attempts for r in rows}


def test_mark_sent_without_a_server_answer_names_the_backend(settings):
    class Backend:
        pass

    class Accepted:
        connection = Backend()

    (row,) = [r for r in _rows(settings) if r.status == Status.SENDING][:1]
    services._mark_sent(row, Accepted())
    row.refresh_from_db()
    assert row.smtp_response == f"accepted by {__name__}.Backend"
