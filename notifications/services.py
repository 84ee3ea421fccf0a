"""Writes on the outbox: ``notify`` (the one entry point other apps call), delivery, the sweep
and staff's "send again".

Delivery protocol (docs/notifications.md explains the guarantees):
1. claim: in a short transaction, lock the row (SKIP LOCKED), check it is due, move it to
   ``sending`` with a lease, count the attempt; commit.
2. send over SMTP, outside any transaction (no lock held during network I/O).
3. record: one autocommit UPDATE to ``sent`` with the server's answer, right after the server's
   "250"; or back to ``pending`` with a backed-off ``next_attempt_at`` (``failed`` after the last
   attempt).
A worker killed between 1 and 3 leaves the row in ``sending``: once the lease is over, the sweep
queues it again.
"""

import contextlib
import datetime
import decimal
import hashlib
import logging
import os
import smtplib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import make_msgid
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from .events import Event
from .message import OutboxMessage
from .models import Outbox, OutboxAttachment, Status
from .rendering import render

logger = logging.getLogger(__name__)


class UnknownEvent(ValueError):
    pass


class NoAddress(ValueError):
    pass


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


def idempotency_key(*, event: str, object_key: str, address: str) -> str:
    raw = "\x1f".join([event, object_key, address.strip().lower()])
    return hashlib.sha256(raw.encode()).hexdigest()


def plain(value):
    """Context values as the templates will see them: strings, numbers, dates, lists and dicts
    of them. Models, requests and lazy strings become strings, so nothing live leaks into a mail.
    Dates stay dates: the template shows them in the recipient's language and our timezone."""
    if value is None or isinstance(
        value, bool | int | float | str | decimal.Decimal | datetime.date | datetime.time
    ):
        return value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return str(value)


def common_context() -> dict:
    site_url = settings.SITE_URL.rstrip("/")
    return {
        "institution_name": settings.INSTITUTION_NAME,
        "support_email": settings.SUPPORT_EMAIL,
        "site_url": site_url,
        "messages_url": site_url + reverse("notifications:message_list"),
        "full_name": "",
        "first_name": "",
        "candidate_number": "",
    }


def recipient_context(recipient) -> dict:
    """Who the mail is addressed to, from the account itself: a caller cannot get it wrong."""
    if recipient is None:
        return {}
    return {
        "full_name": recipient.get_full_name(),
        "first_name": recipient.first_name,
        "candidate_number": recipient.candidate_number,
    }


def notify(
    *,
    event: str,
    recipient=None,
    to: str | None = None,
    language: str | None = None,
    context: dict,
    object_key: str,
    cc: Sequence[str] = (),
    attachments: Iterable[Attachment] = (),
    centre_id: int | None = None,
) -> Outbox:
    """Writes the mail in the current transaction and queues its delivery after commit.

    ``object_key`` names what the mail is about ("candidature:42:received"): the same event,
    object and address give one mail, however often this is called. ``centre_id`` picks the
    centre's own version of the template when its staff wrote one.
    """
    if event not in Event.values:
        raise UnknownEvent(event)
    address = (to or (recipient.email if recipient is not None else "")).strip()
    if not address:
        raise NoAddress(event)
    key = idempotency_key(event=event, object_key=object_key, address=address)
    existing = Outbox.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    if recipient is not None:
        language = recipient.language or language
    language = (language or settings.LANGUAGE_CODE)[:2]
    rendered = render(
        event=event,
        context={**common_context(), **plain(context), **recipient_context(recipient)},
        language=language,
        centre_id=centre_id,
    )
    now = timezone.now()
    try:
        with transaction.atomic():
            row = Outbox.objects.create(
                event=event,
                object_key=object_key[:200],
                idempotency_key=key,
                recipient=recipient,
                to_address=address,
                cc=[c.strip() for c in cc if c and c.strip()],
                language=language,
                message_id=make_msgid(domain=settings.NOTIFICATIONS_MESSAGE_ID_DOMAIN),
                subject=rendered.subject[:255],
                body_text=rendered.body_text,
                body_html=rendered.body_html,
                next_attempt_at=now,
                queued_at=now,
                created_at=now,
            )
            OutboxAttachment.objects.bulk_create(
                OutboxAttachment(
                    outbox=row, filename=a.filename, mimetype=a.mimetype, content=a.content
                )
                for a in attachments
            )
    except IntegrityError:
        # A concurrent call with the same key committed first: its row is the mail.
        return Outbox.objects.get(idempotency_key=key)
    transaction.on_commit(lambda: enqueue(outbox_id=row.pk))
    return row


class _Breaker:
    """After a failed publish, this process stops trying the broker for a few seconds: a request
    that writes several mails, with the broker's host unreachable, would otherwise wait for the
    connection timeout once per mail."""

    seconds = 10.0
    open_until = 0.0


def enqueue(*, outbox_id: int) -> bool:
    """Hands a row to Celery. A broker that is down loses nothing: the row stays pending,
    marked as never queued, and the sweep queues it once the broker is back."""
    from .tasks import deliver_outbox

    try:
        if time.monotonic() < _Breaker.open_until:
            raise ConnectionError("broker failed a moment ago")
        deliver_outbox.delay(outbox_id)
    except Exception:
        if not deliver_outbox.app.conf.task_always_eager:
            _Breaker.open_until = time.monotonic() + _Breaker.seconds
        logger.warning("outbox %s: not queued, left for the sweep", outbox_id, exc_info=True)
        Outbox.objects.filter(pk=outbox_id, status=Status.PENDING).update(queued_at=None)
        return False
    return True


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8... times the base delay, capped at a day."""
    seconds = settings.NOTIFICATIONS_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, 86400))


# The two statements every mail makes, written once: the ORM compiled them again for every mail,
# which cost more than PostgreSQL's answer (0.5-0.9 ms a statement on the benchmark machine;
# 0.2-0.3 ms through a cursor, 0.05 for the round trip itself). They say what the ORM said,
# condition for condition (tests/notifications/test_statements.py runs both on the same rows).
_CLAIM_SQL = (
    f"UPDATE {Outbox._meta.db_table} SET status = %(sending)s, attempts = attempts + 1,"  # noqa: S608 (the model's table)
    " lease_until = %(lease)s WHERE id = %(pk)s"
    " AND ((status = %(pending)s AND next_attempt_at <= %(now)s)"
    " OR (status = %(sending)s AND lease_until < %(now)s AND attempts < %(max_attempts)s))"
)
_MARK_SENT_SQL = (
    f"UPDATE {Outbox._meta.db_table} SET status = %(sent)s, sent_at = %(sent_at)s,"  # noqa: S608 (the model's table)
    " lease_until = NULL, smtp_response = %(answer)s, last_error = ''"
    " WHERE id = %(pk)s AND status = %(sending)s"
)


def _execute(sql: str, params: dict) -> int:
    """Runs one of the statements above (in autocommit, in the worker); returns the number of
    rows it changed."""
    adapt = connection.ops.adapt_datetimefield_value
    params = {k: adapt(v) if isinstance(v, datetime.datetime) else v for k, v in params.items()}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _claim(*, outbox_id: int, now: datetime.datetime) -> Outbox | None:
    """One conditional UPDATE is the claim: of two workers, the second re-reads the row after
    the first commits, finds it no longer due, and updates nothing."""
    claimed = _execute(
        _CLAIM_SQL,
        {
            "pk": outbox_id,
            "now": now,
            "lease": now + datetime.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS),
            "pending": Status.PENDING.value,
            "sending": Status.SENDING.value,
            "max_attempts": settings.NOTIFICATIONS_MAX_ATTEMPTS,
        },
    )
    if not claimed:
        return None  # sent, failed, not due, or held by a live worker
    return Outbox.objects.get(pk=outbox_id)


class ConnectionCache:
    """One mail connection per worker process, reused from task to task (a new SMTP session
    per mail costs a TCP handshake, EHLO and QUIT), closed when idle too long for the server."""

    def __init__(self):
        self.clear()

    def clear(self):
        connection = getattr(self, "connection", None)
        self.connection, self.key, self.last_used = None, None, 0.0
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.close()

    def get(self):
        key = (settings.EMAIL_BACKEND, os.getpid())
        idle = time.monotonic() - self.last_used
        if self.connection is None or self.key != key or idle > settings.EMAIL_TIMEOUT:
            self.clear()
            self.connection = get_connection(fail_silently=False)
            self.connection.open()
            self.key = key
        self.last_used = time.monotonic()
        return self.connection


connection_cache = ConnectionCache()


def _send(message) -> None:
    reused = connection_cache.connection is not None
    message.connection = connection_cache.get()
    try:
        message.send()
    except (smtplib.SMTPServerDisconnected, ConnectionError):
        connection_cache.clear()
        if not reused or getattr(message, "smtp_response", ""):
            raise
        # The server dropped the idle session we kept: once more on a new one.
        message.connection = connection_cache.get()
        message.send()
    except Exception:
        connection_cache.clear()
        raise


def build_message(row: Outbox) -> EmailMultiAlternatives:
    message = OutboxMessage(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_address],
        cc=row.cc,
        headers={"Message-ID": row.message_id, "Auto-Submitted": "auto-generated"},
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    for attachment in row.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    return message


def _claim_more(*, outbox_id: int, now: datetime.datetime, size: int) -> list[int]:
    """Up to ``size`` other rows, claimed in one short transaction: locked with SKIP LOCKED
    (a row another worker is claiming is left to it), the conditions checked under the lock,
    then moved to ``sending`` with a lease. Only pending rows that are due and would not be on
    their last attempt: a mail that kills its worker costs its batch's other rows one attempt
    at most, never the last one (their own task or the sweep sends them after the lease)."""
    if size <= 0:
        return []
    with transaction.atomic():
        ids = list(
            Outbox.objects.select_for_update(skip_locked=True)
            .filter(
                status=Status.PENDING,
                next_attempt_at__lte=now,
                attempts__lt=settings.NOTIFICATIONS_MAX_ATTEMPTS - 1,
            )
            .exclude(pk=outbox_id)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:size]
        )
        if ids:
            Outbox.objects.filter(pk__in=ids).update(
                status=Status.SENDING,
                attempts=F("attempts") + 1,
                lease_until=now + datetime.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS),
            )
    return ids


def _release(rows: Sequence[Outbox]) -> None:
    """Gives back claimed rows that were not tried (the batch stopped): pending again, due now,
    their attempt not counted, marked as not queued so the next sweep queues them."""
    for row in rows:
        Outbox.objects.filter(pk=row.pk, status=Status.SENDING, attempts=row.attempts).update(
            status=Status.PENDING,
            attempts=F("attempts") - 1,
            lease_until=None,
            queued_at=None,
        )


def outbox_deliver(*, outbox_id: int, now: datetime.datetime | None = None, batch: int = 1) -> str:
    """Sends one row if it is due and nobody else holds it. Safe to call any number of times.

    With ``batch`` > 1 (the worker's task), once this row is claimed, up to ``batch`` - 1 other
    due rows are claimed too and sent on the same SMTP session, each marked sent on its own
    right after the server's answer (the duplicate window stays one UPDATE). Their own tasks,
    when they come, find them sent and skip at the cost of one UPDATE matching nothing.
    Returns what happened to ``outbox_id``'s row."""
    now = now or timezone.now()
    row = _claim(outbox_id=outbox_id, now=now)
    if row is None:
        return "skipped"
    # The others' lease runs from their claim, before this row's own mail goes.
    started = time.monotonic()
    others = _claim_more(outbox_id=outbox_id, now=now, size=batch - 1)
    own = last = _deliver_claimed(row, now=now)
    if not others:
        return own
    pending = list(
        Outbox.objects.filter(pk__in=others)
        .prefetch_related("attachments")
        .order_by("next_attempt_at", "pk")
    )
    # A row may wait for the ones before it: stop taking new ones once a whole SMTP exchange
    # (six operations at EMAIL_TIMEOUT each) no longer fits in the lease, so a slow but live
    # worker never loses a row to another one.
    budget = settings.NOTIFICATIONS_LEASE_SECONDS - 6 * settings.EMAIL_TIMEOUT
    while pending:
        if last != "sent" or time.monotonic() - started > budget:
            # The server refused or failed, or time is short: the rest goes back untried.
            _release(pending)
            logger.info("outbox batch: %s row(s) given back untried", len(pending))
            break
        last = _deliver_claimed(pending.pop(0), now=now)
    return own


def _deliver_claimed(row: Outbox, *, now: datetime.datetime) -> str:
    """Sends a row this worker has claimed and records the outcome."""
    message = None
    try:
        message = build_message(row)
        _send(message)
    except Exception as exc:
        if message is not None and getattr(message, "smtp_response", ""):
            # Accepted, then the connection failed: it is sent all the same.
            logger.warning("outbox %s sent, then: %s", row.pk, exc)
            return _mark_sent(row, message)
        failed = row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
        # The delay counts from the failure, not from the claim (a slow server ate into it).
        failed_at = max(now, timezone.now())
        # Fenced by the attempt number: a worker whose lease ran out cannot overwrite a newer
        # claim.
        Outbox.objects.filter(pk=row.pk, status=Status.SENDING, attempts=row.attempts).update(
            status=Status.FAILED if failed else Status.PENDING,
            next_attempt_at=failed_at + backoff(row.attempts),
            queued_at=None,
            lease_until=None,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.warning("outbox %s attempt %s failed: %s", row.pk, row.attempts, exc)
        return "failed" if failed else "retry"
    return _mark_sent(row, message)


def _mark_sent(row: Outbox, message) -> str:
    backend = message.connection
    # The duplicate window: from the server's "250" to this single UPDATE's commit.
    _execute(
        _MARK_SENT_SQL,
        {
            "pk": row.pk,
            "sent": Status.SENT.value,
            "sending": Status.SENDING.value,
            "sent_at": timezone.now(),
            "answer": getattr(message, "smtp_response", "")
            or f"accepted by {type(backend).__module__}.{type(backend).__name__}",
        },
    )
    return "sent"


def due_rows(*, now: datetime.datetime):
    requeue_before = now - datetime.timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_AFTER_SECONDS)
    not_recently_queued = Q(queued_at__isnull=True) | Q(queued_at__lte=requeue_before)
    return Outbox.objects.filter(
        not_recently_queued,
        Q(status=Status.PENDING, next_attempt_at__lte=now)
        | Q(status=Status.SENDING, lease_until__lt=now),
    )


def outbox_sweep(
    *, now: datetime.datetime | None = None, batch: int = 1000, max_batches: int = 20
) -> int:
    """Queues rows that are due and not recently queued (broker was down, SMTP error, worker
    killed), in batches, until none is left or the broker fails. A row queued twice is sent
    once: the claim decides."""
    now = now or timezone.now()
    # A worker died during the last allowed attempt (perhaps this mail kills it): give up.
    Outbox.objects.filter(
        status=Status.SENDING,
        lease_until__lt=now,
        attempts__gte=settings.NOTIFICATIONS_MAX_ATTEMPTS,
    ).update(
        status=Status.FAILED,
        lease_until=None,
        last_error="the worker gave no news during the last attempt (killed?)",
    )
    queued = 0
    for _ in range(max_batches):
        ids = list(
            due_rows(now=now).order_by("next_attempt_at").values_list("pk", flat=True)[:batch]
        )
        if not ids:
            break
        # Stamped before queuing: the next sweep leaves them alone for a while.
        Outbox.objects.filter(pk__in=ids).update(queued_at=now)
        done = sum(enqueue(outbox_id=pk) for pk in ids)
        queued += done
        logger.info("outbox sweep: %s due, %s queued", len(ids), done)
        if done < len(ids):
            break  # the broker is failing: the next sweep will try again
    return queued


def outbox_send_again(*, outbox_ids: Iterable[int], actor) -> int:
    """Staff's "send again": the rows start over with fresh attempts, whatever their status
    (a candidate who says a mail never arrived gets it once more)."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Outbox.objects.select_for_update()
            .filter(pk__in=list(outbox_ids))
            .exclude(status=Status.SENDING, lease_until__gte=now)
            .values_list("pk", flat=True)
        )
        Outbox.objects.filter(pk__in=ids).update(
            status=Status.PENDING,
            attempts=0,
            next_attempt_at=now,
            queued_at=now,
            lease_until=None,
            last_error="",
        )
        for pk in ids:
            transaction.on_commit(lambda pk=pk: enqueue(outbox_id=pk))
    logger.info("outbox send again by %s: %s", getattr(actor, "pk", actor), ids)
    return len(ids)
