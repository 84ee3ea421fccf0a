"""Delivery throughput of the outbox: queue N notifications, then let ONE Celery worker send
them to a local SMTP sink, and report mails per second.

Needs PostgreSQL and Redis (not a test; run by hand):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecandidat_notif \\
    /work/main/.venv/bin/python bench/notifications_throughput.py --count 10000

The database is migrated; rows from earlier runs of this script (object key "bench:...") are
deleted first. The sink (aiosmtpd) runs in this process and accepts every mail.
"""

import argparse
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class CountingSink:
    """Accepts every mail and keeps each one's Message-ID: a mail received twice shows."""

    def __init__(self):
        self.count = 0
        self.message_ids = set()
        self.sessions = 0
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        head = envelope.content.split(b"\r\n\r\n", 1)[0]
        message_id = next(
            (line for line in head.split(b"\r\n") if line.lower().startswith(b"message-id:")),
            b"",
        )
        with self.lock:
            self.count += 1
            self.message_ids.add(message_id)
        return "250 2.0.0 Ok: queued"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument(
        "--broker", default=os.environ.get("BENCH_MAIL_BROKER", "redis://127.0.0.1:6379/3")
    )
    parser.add_argument("--smtp-port", type=int, default=2530)
    parser.add_argument(
        "--notify",
        action="store_true",
        help="queue every mail through notify() (about 70/s here); by default one is, and "
        "the others are copies of its row (own key, address and Message-ID), each queued",
    )
    parser.add_argument("--pool", default="solo", help="worker pool (solo: one process)")
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2

    worker_env = {
        **os.environ,
        "CELERY_BROKER_URL": args.broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": f"smtp://127.0.0.1:{args.smtp_port}",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "60",  # as in production mode
    }
    os.environ.update(worker_env)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecandidat.settings")
    import django

    django.setup()
    import redis
    from aiosmtpd.controller import Controller
    from django.core.management import call_command
    from django.db import transaction

    from notifications.events import Event, sample_context
    from notifications.models import Outbox, Status
    from notifications.services import notify

    call_command("migrate", verbosity=0)
    Outbox.objects.filter(object_key__startswith="bench:").delete()
    redis.Redis.from_url(args.broker).flushdb()

    sink = CountingSink()
    controller = Controller(sink, hostname="127.0.0.1", port=args.smtp_port)
    controller.start()

    run = uuid.uuid4().hex[:8]
    context = sample_context(Event.APPLICATION_RECEIVED)
    started = time.perf_counter()
    if args.notify:
        for first in range(0, args.count, 500):
            with transaction.atomic():
                for i in range(first, min(first + 500, args.count)):
                    notify(
                        event=Event.APPLICATION_RECEIVED,
                        to=f"bench{i}@example.org",
                        language="fr",
                        context=context,
                        object_key=f"bench:{run}:{i}",
                    )
    else:
        from django.core.mail.message import make_msgid
        from django.forms.models import model_to_dict

        from notifications.services import enqueue, idempotency_key

        with transaction.atomic():
            model = notify(
                event=Event.APPLICATION_RECEIVED,
                to="bench0@example.org",
                language="fr",
                context=context,
                object_key=f"bench:{run}:0",
            )
        fields = model_to_dict(model, exclude=["id", "recipient"])
        rows = []
        for i in range(1, args.count):
            address = f"bench{i}@example.org"
            key = f"bench:{run}:{i}"
            fields.update(
                object_key=key,
                to_address=address,
                idempotency_key=idempotency_key(event=model.event, object_key=key, address=address),
                message_id=make_msgid(domain="bench"),
            )
            rows.append(Outbox(**fields))
        for row in Outbox.objects.bulk_create(rows, batch_size=1000):
            enqueue(outbox_id=row.pk)
    queued = time.perf_counter() - started
    print(f"queued {args.count} notifications in {queued:.1f} s ({args.count / queued:.0f}/s)")

    # BENCH_WORKER_PROFILE=FILE: the worker runs under cProfile, its stats written to FILE.
    profile = os.environ.get("BENCH_WORKER_PROFILE")
    worker = subprocess.Popen(
        [
            sys.executable,
            *(["-m", "cProfile", "-o", profile] if profile else []),
            "-m",
            "celery",
            "-A",
            "ecandidat",
            "worker",
            f"--pool={args.pool}",
            f"--concurrency={args.concurrency}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=worker_env,
    )
    try:
        pending = Outbox.objects.filter(object_key__startswith=f"bench:{run}:").exclude(
            status=Status.SENT
        )
        while sink.count == 0:
            time.sleep(0.01)
        first_sent = time.perf_counter()
        while pending.exists():
            time.sleep(0.5)
        elapsed = time.perf_counter() - first_sent
    finally:
        worker.terminate()
        worker.wait(60)
        controller.stop()
    sent = Outbox.objects.filter(object_key__startswith=f"bench:{run}:", status=Status.SENT).count()
    print(
        f"delivered {sent} mails ({sink.count} received by the sink, "
        f"{len(sink.message_ids)} distinct Message-IDs, {sink.sessions} SMTP session(s)) "
        f"in {elapsed:.1f} s with one worker (pool={args.pool}, "
        f"concurrency={args.concurrency}): {args.count / elapsed:.0f} mails/s"
    )
    return 0 if sink.count == len(sink.message_ids) == args.count == sent else 1


if __name__ == "__main__":
    sys.exit(main())
