"""Deadline-day jobs, timed on a bench database (not a test; `make bench` runs it on the 10x
data once the pages are measured, because it changes the data):

    DATABASE_URL=... BENCH_REDIS_URL=... python bench/jobs_timing.py \\
        --purge 100000 --publish 10000 --expire 5000 [--workers 2]

1. purge: N accounts that were never activated (joined three days ago, each with its email
   address row), written by COPY, then the scheduled job's service
   (``accounts_purge_unactivated``) in this process;
2. publish: N complete applications given an unpublished decision (a third favourable: the
   letter), their programmes past the publication date; then the publication a president asks
   for, through the real task path: ``candidatures.tasks.publish_decisions`` in chunks, run by
   a real Celery worker (prefork, --workers processes), each application through the
   workflow (letter drawn before the row lock, one mail queued each);
3. expire: N favourable published decisions left unanswered, every programme's confirmation
   deadline just past; then the scheduled job (``candidatures.tasks.expire_confirmations``)
   run by the same worker: each one withdrawn through the workflow, the head of its waiting
   list promoted.
Prints one JSON line with every figure.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUEUE = "bench-jobs"


def setup(broker: str):
    os.environ["CELERY_BROKER_URL"] = broker
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecandidat.settings")
    import django

    django.setup()


def purge(count: int) -> dict:
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from accounts.models import IssuedCandidateNumber, User
    from accounts.services import accounts_purge_unactivated
    from bench.management.commands.bench_data import CANDIDATE_NUMBER_ALPHABET, Table

    now = timezone.now()
    joined = now - timedelta(days=3)
    started = time.monotonic()
    tables = [Table(IssuedCandidateNumber), Table(User), Table(EmailAddress)]
    numbers, users, emails = tables
    run = uuid.uuid4().hex[:6]
    taken = set(IssuedCandidateNumber.objects.values_list("number", flat=True))
    rnd = random.Random(run)
    for n in range(count):
        number = "".join(rnd.choices(CANDIDATE_NUMBER_ALPHABET, k=8))
        while number in taken:
            number = "".join(rnd.choices(CANDIDATE_NUMBER_ALPHABET, k=8))
        taken.add(number)
        numbers.add(number=number, issued_at=joined)
        email = f"purge{run}.{n}@purge.invalid"
        user = users.add(
            email=email,
            password="!",  # noqa: S106 (unusable)
            candidate_number=number,
            first_name="Purge",
            last_name=str(n),
            date_joined=joined,
            activated_at=None,
            is_active=True,
        )
        emails.add(user_id=user, email=email, primary=True, verified=False)
    for table in tables:
        table.write()
    written = time.monotonic() - started
    before = User.objects.count()
    started = time.monotonic()
    report = accounts_purge_unactivated()
    elapsed = time.monotonic() - started
    return {
        "accounts": count,
        "written_s": round(written, 1),
        "deleted": len(report.deleted),
        "left": User.objects.count() - (before - count),
        "seconds": round(elapsed, 1),
        "per_s": round(len(report.deleted) / elapsed),
    }


def worker(processes: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ecandidat",
            "worker",
            "--pool=prefork",
            f"--concurrency={processes}",
            "--loglevel=WARNING",
            "-Q",
            QUEUE,
            "-n",
            f"bench-jobs-{uuid.uuid4().hex[:6]}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env={**os.environ},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def wait_for(predicate, process, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if predicate():
            return
        time.sleep(0.5)
    raise SystemExit(f"timed out (worker log: {process.args})")


def prepare_programmes():
    from django.utils import timezone

    from candidatures.models import Programme
    from candidatures.offer import offer_changed

    now = timezone.now()
    Programme.objects.update(
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=60),
        return_deadline=now - timedelta(days=50),
        jury_at=now - timedelta(days=3),
        publication_at=now - timedelta(days=2),
        confirmation_deadline=now - timedelta(minutes=1),
        confirmation_days=None,
    )
    offer_changed()  # an update sends no signal: the offer page's listing follows


def publish(count: int, process: subprocess.Popen, chunk: int) -> dict:
    from django.db.models import Q

    from candidatures.models import Answer, Candidature, Decision, Status
    from candidatures.tasks import publish_decisions
    from notifications.models import Outbox, OutboxAttachment

    ids = list(
        Candidature.objects.filter(decision_published_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    if len(ids) < count:
        extra = count - len(ids)
        ids += list(
            Candidature.objects.exclude(pk__in=ids)
            .exclude(answer__in=[Answer.CONFIRMED, Answer.WITHDRAWN])
            .order_by("pk")
            .values_list("pk", flat=True)[:extra]
        )
    base = Candidature.objects.filter(pk__in=ids)
    base.update(
        status=Status.COMPLETE,
        decision=Decision.UNFAVOURABLE,
        decision_published_at=None,
        waitlist_rank=None,
        answer="",
        answered_at=None,
    )
    favourable = ids[::3]
    Candidature.objects.filter(pk__in=favourable).update(decision=Decision.FAVOURABLE)
    mails_before = Outbox.objects.filter(event__startswith="decision_").count()
    letters_before = OutboxAttachment.objects.count()
    started = time.monotonic()
    for first in range(0, len(ids), chunk):
        publish_decisions.apply_async(
            kwargs={"candidature_ids": ids[first : first + chunk], "actor_kind": None},
            queue=QUEUE,
        )
    published = base.filter(decision_published_at__isnull=False)
    wait_for(lambda: published.count() == len(ids), process, timeout=3600)
    elapsed = time.monotonic() - started
    mails = Outbox.objects.filter(event__startswith="decision_").count() - mails_before
    return {
        "decisions": len(ids),
        "favourable": len(favourable),
        "published": published.count(),
        "mails_queued": mails,
        "letters": OutboxAttachment.objects.count() - letters_before,
        "seconds": round(elapsed, 1),
        "per_s": round(len(ids) / elapsed, 1),
        "unpublished_left": Candidature.objects.filter(
            Q(pk__in=ids) & Q(decision_published_at__isnull=True)
        ).count(),
    }


def expire(count: int, process: subprocess.Popen) -> dict:
    from django.utils import timezone

    from candidatures.models import Answer, Candidature, Decision, Status
    from candidatures.tasks import expire_confirmations
    from notifications.models import Outbox

    now = timezone.now()
    silent = Candidature.objects.filter(
        status=Status.COMPLETE,
        decision=Decision.FAVOURABLE,
        decision_published_at__isnull=False,
        answer="",
    )
    # Everyone else answered: exactly ``count`` silent candidates at the deadline.
    silent.update(answer=Answer.CONFIRMED, answered_at=now - timedelta(days=1))
    ids = list(
        Candidature.objects.filter(answer="")
        .exclude(decision=Decision.WAITLISTED)
        .order_by("-pk")
        .values_list("pk", flat=True)[:count]
    )
    Candidature.objects.filter(pk__in=ids).update(
        status=Status.COMPLETE,
        decision=Decision.FAVOURABLE,
        decision_published_at=now - timedelta(days=2),
        waitlist_rank=None,
    )
    waitlisted = Candidature.objects.filter(
        decision=Decision.WAITLISTED, decision_published_at__isnull=False, answer=""
    ).count()
    mails_before = Outbox.objects.count()
    started = time.monotonic()
    expire_confirmations.apply_async(queue=QUEUE)
    withdrawn = Candidature.objects.filter(pk__in=ids, answer=Answer.WITHDRAWN)
    wait_for(lambda: withdrawn.count() == len(ids), process, timeout=3600)
    elapsed = time.monotonic() - started
    return {
        "silent": len(ids),
        "withdrawn": withdrawn.count(),
        "waitlisted_before": waitlisted,
        "mails_queued": Outbox.objects.count() - mails_before,
        "seconds": round(elapsed, 1),
        "per_s": round(len(ids) / elapsed, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--purge", type=int, default=100_000)
    parser.add_argument("--publish", type=int, default=10_000)
    parser.add_argument("--expire", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes (prefork)")
    parser.add_argument("--chunk", type=int, default=500, help="applications per task")
    parser.add_argument(
        "--broker", default=os.environ.get("BENCH_JOBS_BROKER", "redis://127.0.0.1:6379/11")
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("DATABASE_URL must point at a PostgreSQL bench database", file=sys.stderr)
        return 2
    setup(args.broker)
    import redis

    redis.Redis.from_url(args.broker).flushdb()
    results = {}
    if args.purge:
        results["purge"] = purge(args.purge)
    if args.publish or args.expire:
        prepare_programmes()
        log = ROOT / "var" / f"bench-jobs-{uuid.uuid4().hex[:6]}.log"
        log.parent.mkdir(exist_ok=True)
        process = worker(args.workers, log)
        try:
            time.sleep(3)
            if args.publish:
                results["publish"] = publish(args.publish, process, args.chunk)
            if args.expire:
                results["expire"] = expire(args.expire, process)
        finally:
            process.terminate()
            process.wait(timeout=60)
        results["workers"] = args.workers
        results["worker_log"] = str(log)
    # The mails queued by the jobs are not delivered here (bench/notifications_throughput.py
    # measures delivery): their tasks go with the bench broker's database.
    redis.Redis.from_url(args.broker).flushdb()
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
