"""Publishing N decisions in the background: the task a president's "publish" hands the work
to, run by ONE real Celery worker, one application at a time (a letter drawn before each row
lock for the favourable ones, one mail each). Reports decisions per second, the mails written,
the letters attached and how many letters had to be drawn under a lock (should be 0).

Needs PostgreSQL and Redis (not a test; run by hand):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecandidat_bench_com \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/2 \\
    .venv/bin/python bench/commission_publish.py --count 1000

The database is migrated and emptied of earlier runs' rows (programme code "BENCH-PUB").
"""

import argparse
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--favourable-share", type=float, default=0.5)
    # Redis databases 12-15 are CI's: the default is the environment's broker.
    parser.add_argument(
        "--broker", default=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2
    os.environ["CELERY_BROKER_URL"] = args.broker
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecandidat.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from candidatures.models import Candidature, Programme
    from notifications.models import Outbox, OutboxAttachment
    from tests.factories import CandidatureFactory, ProgrammeFactory, reviewer_of

    Candidature.objects.filter(programme__code="BENCH-PUB").delete()
    Programme.objects.filter(code="BENCH-PUB").delete()
    programme = ProgrammeFactory(code="BENCH-PUB", closed=True)
    president = reviewer_of(programme, president=True)
    favourable = int(args.count * args.favourable_share)
    print(f"creating {args.count} decided applications ({favourable} favourable)...")
    ids = [
        CandidatureFactory(
            programme=programme,
            complete=True,
            decision="favourable" if n < favourable else "unfavourable",
        ).pk
        for n in range(args.count)
    ]
    log = ROOT / "var" / f"bench-publish-{uuid.uuid4().hex[:6]}.log"
    log.parent.mkdir(exist_ok=True)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ecandidat",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "-Q",
            "celery",
            "-n",
            f"bench-publish-{uuid.uuid4().hex[:6]}@%h",
        ],
        cwd=ROOT,
        env={**os.environ},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(5)
        from candidatures.tasks import publish_decisions

        start = time.monotonic()
        publish_decisions.delay(candidature_ids=ids, actor_id=president.pk, actor_kind="commission")
        while True:
            done = Candidature.objects.filter(
                pk__in=ids, decision_published_at__isnull=False
            ).count()
            if done == len(ids) or worker.poll() is not None:
                break
            time.sleep(1)
        elapsed = time.monotonic() - start
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    mails = Outbox.objects.filter(
        event__startswith="decision_", recipient__dossier__candidatures__in=ids
    ).distinct()
    letters = OutboxAttachment.objects.filter(outbox__in=mails).count()
    under_lock = log.read_text().count("rendered inside its transition")
    print(f"published {done}/{len(ids)} in {elapsed:.1f} s: {done / elapsed:.1f} decisions/s")
    print(f"mails written: {mails.count()} (one per candidate: {mails.count() == len(ids)})")
    print(f"letters attached: {letters} (favourable: {favourable})")
    print(f"letters drawn under a row lock: {under_lock}")
    print(f"at {timezone.now():%Y-%m-%d %H:%M} UTC, worker log {log}")
    return 0 if done == len(ids) and mails.count() == len(ids) else 1


if __name__ == "__main__":
    sys.exit(main())
