"""A worker killed (SIGKILL) in the middle of a publication or of the deadline's withdrawals,
with real services: Redis as the broker, real ``celery worker`` processes on the PostgreSQL
test database, an SMTP sink (fixtures: tests/notifications/conftest.py). The worker runs the
project's code, its letter rendering and mail queuing observable and stopped once at the
point the test chooses (``killable_worker.py``): the kill always lands there, part of the
work done, whatever the machine's speed.

After another worker (or the same worker's new child) takes the work up, every application
is changed once, with one transition row, one audit row where the back office acted, one
mail delivered once, one admission letter drawn per favourable application, each promotion
from the waiting list done once, nothing left half-done (docs/jobs.md, "A worker killed")."""

import collections
import datetime
import os
import signal
import time

import pytest
import redis
from django.db import connection
from django.utils import timezone

from audit.models import AuditEntry
from candidatures.models import Candidature, CandidatureTransition, Event
from candidatures.workflow import stage_of
from commissions.services import commission_publish
from jobs.models import JobRun
from jobs.tasks import run_job
from notifications.models import Outbox, OutboxAttachment, Status
from tests.factories import CandidatureFactory, ProgrammeFactory, reviewer_of
from tests.notifications.conftest import wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WORKER_APP = "tests.jobs.killable_worker"
VISIBILITY = 2  # seconds: Redis hands an unacknowledged task out again after this


def records(directory):
    path = directory / "record"
    lines = path.read_text().splitlines() if path.exists() else []
    return [tuple(line.split()) for line in lines]


def gated(directory):
    """The (pk, pid) of the process waiting at the gate, once one is."""
    return next(
        ((int(pk), int(pid)) for what, pk, pid in records(directory) if what == "gate"), None
    )


def letters_drawn(directory) -> collections.Counter:
    return collections.Counter(
        int(pk) for what, pk, _pid in records(directory) if what == "letter-done"
    )


def killable(start_worker, directory, *, gate="", **options):
    return start_worker(
        app=WORKER_APP, KILL_TEST_DIR=str(directory), KILL_TEST_GATE=gate, **options
    )


def wait_until_handed_out_again(broker_url):
    """The killed worker's task is older than the visibility timeout: the next worker to start
    puts it back in the queue (kombu looks at its start, then about every 100 s)."""
    client = redis.Redis.from_url(broker_url)

    def old_enough():
        held = client.zrange("unacked_index", 0, -1, withscores=True)
        return bool(held) and all(time.time() - score > VISIBILITY + 0.5 for _tag, score in held)

    wait_until(old_enough, timeout=20, what="the killed worker's task to be visible again")


def kill(process):
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def _published(ids):
    return Candidature.objects.filter(pk__in=ids, decision_published_at__isnull=False)


def assert_mailed_once(smtp_sink, expected: dict):
    """``expected``: address -> event. One row each, sent, received once by the sink."""
    rows = Outbox.objects.filter(to_address__in=expected)
    assert sorted((row.to_address, row.event) for row in rows) == sorted(expected.items())
    wait_until(
        lambda: not rows.exclude(status=Status.SENT).exists(), timeout=20, what="every mail sent"
    )
    received = collections.Counter(
        address for _t, _content, to in smtp_sink.accepted for address in to
    )
    assert received == collections.Counter(list(expected)), received


@pytest.fixture
def publication(db):
    """Six decisions recorded, their programme past its publication date, and its president;
    the applications in the order the publication takes them."""
    programme = ProgrammeFactory(closed=True, has_waiting_list=True)
    president = reviewer_of(programme, president=True)
    created = [CandidatureFactory(programme=programme, complete=True) for _ in range(6)]
    order = Candidature.objects.for_reviewer(president, presidents_only=True).filter(
        pk__in=[c.pk for c in created]
    )
    decisions = [
        "favourable",
        "unfavourable",
        "favourable",
        "favourable",
        "waitlisted",
        "favourable",
    ]
    applications = []
    for candidature, decision in zip(order, decisions, strict=True):
        candidature.decision = decision
        candidature.waitlist_rank = 2 if decision == "waitlisted" else None
        candidature.save(update_fields=["decision", "waitlist_rank"])
        applications.append(candidature)
    assert {stage_of(c) for c in applications} == {"decided"}
    return president, applications


def assert_published_once(applications, smtp_sink, directory):
    ids = [c.pk for c in applications]
    favourable = {c.pk for c in applications if c.decision == "favourable"}
    assert _published(ids).count() == len(ids)
    transitions = CandidatureTransition.objects.filter(candidature_id__in=ids, event=Event.PUBLISH)
    assert sorted(transitions.values_list("candidature_id", flat=True)) == sorted(ids)
    audited = AuditEntry.objects.filter(action="application.publish")
    assert sorted(int(pk) for pk in audited.values_list("object_id", flat=True)) == sorted(ids)
    assert_mailed_once(
        smtp_sink, {c.dossier.user.email: f"decision_{c.decision}" for c in applications}
    )
    # One letter attached to each favourable mail, and each drawn once, the killed one included
    # (its first drawing never finished).
    attached = OutboxAttachment.objects.filter(
        outbox__to_address__in=[c.dossier.user.email for c in applications]
    )
    assert sorted(attached.values_list("outbox__recipient_id", flat=True)) == sorted(
        c.dossier.user_id for c in applications if c.pk in favourable
    )
    assert letters_drawn(directory) == collections.Counter(favourable)


def test_worker_killed_while_drawing_a_letter_the_publication_ends_once(
    publication, celery_producer, redis_broker, start_worker, smtp_sink, process_settings, tmp_path
):
    """The whole worker dies (solo pool: the machine lost, the container killed) while it draws
    the fourth application's letter, three published: the task, never acknowledged, goes to
    the next worker once the visibility timeout is over; it publishes the other three and
    skips the first three without drawing their letters again."""
    president, applications = publication
    fourth = applications[3]
    first = killable(
        start_worker, tmp_path, gate=f"letter:{fourth.pk}", CELERY_VISIBILITY_TIMEOUT=VISIBILITY
    )
    commission_publish(actor=president, candidature_ids=[c.pk for c in applications])

    wait_until(lambda: gated(tmp_path), timeout=30, what="the worker to reach the fourth letter")
    ids = [c.pk for c in applications]
    assert set(_published(ids).values_list("pk", flat=True)) == set(ids[:3])
    kill(first)
    wait_until_handed_out_again(redis_broker)

    killable(start_worker, tmp_path, CELERY_VISIBILITY_TIMEOUT=VISIBILITY)
    wait_until(lambda: _published(ids).count() == len(ids), timeout=30, what="the rest published")
    assert_published_once(applications, smtp_sink, tmp_path)


def test_worker_child_killed_inside_a_publication_it_is_rolled_back_and_done_once(
    publication, celery_producer, start_worker, smtp_sink, process_settings, tmp_path
):
    """A pool's child dies (the kernel's out-of-memory killer's usual victim) while the fifth
    application's row is locked, its decision marked published and its transition written but
    not committed: PostgreSQL rolls that back, and the task is run again by a new child."""
    president, applications = publication
    fifth = applications[4]
    worker = killable(start_worker, tmp_path, gate=f"mail:{fifth.pk}", pool="prefork")
    commission_publish(actor=president, candidature_ids=[c.pk for c in applications])

    wait_until(lambda: gated(tmp_path), timeout=30, what="the worker to queue the fifth mail")
    ids = [c.pk for c in applications]
    # The fifth is published in the child's transaction only.
    assert set(_published(ids).values_list("pk", flat=True)) == set(ids[:4])
    _pk, child = gated(tmp_path)
    assert child != worker.pid
    with connection.cursor() as cursor:  # the child's transaction is open, the row locked
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND state = 'idle in transaction'"
        )
        assert cursor.fetchone() == (1,)
    os.kill(child, signal.SIGKILL)

    wait_until(lambda: _published(ids).count() == len(ids), timeout=30, what="the rest published")
    assert worker.poll() is None
    assert_published_once(applications, smtp_sink, tmp_path)


@pytest.fixture
def deadline_passed(db):
    """Four favourable candidates silent past their confirmation deadline, five waiting."""
    programme = ProgrammeFactory(
        closed=True,
        has_waiting_list=True,
        confirmation_deadline=timezone.now() - datetime.timedelta(hours=1),
    )
    silent = [CandidatureFactory(programme=programme, favourable=True) for _ in range(4)]
    waiting = [
        CandidatureFactory(programme=programme, waitlisted=True, waitlist_rank=rank)
        for rank in range(1, 6)
    ]
    return silent, waiting


def test_worker_killed_during_the_deadline_withdrawals_each_place_goes_once(
    deadline_passed,
    celery_producer,
    redis_broker,
    start_worker,
    smtp_sink,
    process_settings,
    tmp_path,
):
    """The beat's run of ``candidatures.expire_confirmations`` dies while it draws the third
    promoted candidate's letter, two withdrawn and two promoted: the next worker takes the
    task again, withdraws the other two and promotes the next two on the list, once each; the
    dead run's log row is marked interrupted by the next run."""
    silent, waiting = deadline_passed
    third = waiting[2]
    first = killable(
        start_worker, tmp_path, gate=f"letter:{third.pk}", CELERY_VISIBILITY_TIMEOUT=VISIBILITY
    )
    run_job.delay("candidatures.expire_confirmations")

    wait_until(lambda: gated(tmp_path), timeout=30, what="the worker to reach the third letter")
    withdrawn = Candidature.objects.filter(pk__in=[c.pk for c in silent], answer="withdrawn")
    assert sorted(withdrawn.values_list("pk", flat=True)) == [c.pk for c in silent[:2]]
    kill(first)
    wait_until_handed_out_again(redis_broker)

    killable(
        start_worker, tmp_path, CELERY_VISIBILITY_TIMEOUT=VISIBILITY, JOBS_STALE_AFTER_SECONDS=1
    )
    wait_until(lambda: withdrawn.count() == len(silent), timeout=30, what="every withdrawal")

    expired = CandidatureTransition.objects.filter(event=Event.EXPIRE)
    assert sorted(expired.values_list("candidature_id", flat=True)) == [c.pk for c in silent]
    promoted = CandidatureTransition.objects.filter(event=Event.PROMOTE)
    assert sorted(promoted.values_list("candidature_id", flat=True)) == [c.pk for c in waiting[:4]]
    assert [stage_of(Candidature.objects.get(pk=c.pk)) for c in waiting] == [
        "favourable",
        "favourable",
        "favourable",
        "favourable",
        "waitlisted",
    ]
    assert Candidature.objects.get(pk=waiting[4].pk).waitlist_rank == 1
    assert AuditEntry.objects.filter(action="waitlist.renumber").count() == 4
    assert_mailed_once(
        smtp_sink,
        {
            **{c.dossier.user.email: "answer_withdrawn_automatically" for c in silent},
            **{c.dossier.user.email: "waitlist_promoted" for c in waiting[:4]},
        },
    )
    assert OutboxAttachment.objects.filter(outbox__event="waitlist_promoted").count() == 4
    assert letters_drawn(tmp_path) == collections.Counter(c.pk for c in waiting[:4])
    dead, second = JobRun.objects.filter(job="candidatures.expire_confirmations").order_by("pk")
    assert (dead.status, second.status) == ("interrupted", "succeeded")
    assert second.counts == {"expired": 2}
