"""Real services for the fault tests (marked ``services``): Redis as the broker, a real
``celery worker`` process, an aiosmtpd SMTP sink on loopback.

The worker is another process, so it must see the test database: that needs PostgreSQL (an
in-memory SQLite test database exists only inside this process). Without PostgreSQL or Redis
the tests skip with the reason, except in CI (CI=true), where they fail.
"""

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# This session's Redis database (results/cache would be 4); CI may point elsewhere.
REDIS_URL = os.environ.get("NOTIFICATIONS_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
SMTP_PORTS = range(2525, 2549)
CLOSED_PORT = 2549  # nothing listens here: the "broker is down" address
CLOSED_BROKER_URL = f"redis://127.0.0.1:{CLOSED_PORT}/3"


def require(ok: bool, reason: str):
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must provide this service: {reason}")
    pytest.skip(reason)


def wait_until(predicate, *, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(autouse=True)
def _fresh_mail_connection():
    """Each test gets the mail backend its settings name, not the one a previous test opened."""
    from notifications.services import _Breaker, connection_cache

    connection_cache.clear()
    _Breaker.open_until = 0.0
    yield
    connection_cache.clear()
    _Breaker.open_until = 0.0


class Sink:
    """aiosmtpd handler that keeps every accepted mail; can refuse, or hang on the first MAIL
    FROM (to kill the worker while it is in the middle of a send)."""

    def __init__(self):
        self.accepted = []  # (time, envelope content as text, recipients)
        self.attempts = []  # time of every DATA command, accepted or refused
        self.peers = []  # client (host, port) of each accepted mail: one per SMTP session
        self.refuse = False
        self.refuse_recipients = set()  # a mail to one of these is refused, the others accepted
        self.hang_first_mail = False
        self.hanging = threading.Event()
        self.release = threading.Event()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.hang_first_mail and not self.hanging.is_set():
            self.hanging.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "421 4.3.0 closing"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.attempts.append(time.time())
        if self.refuse:
            return "451 4.3.0 Try again later"
        if self.refuse_recipients.intersection(envelope.rcpt_tos):
            return "452 4.2.2 Mailbox full"
        self.accepted.append(
            (time.time(), envelope.content.decode("utf-8", "replace"), envelope.rcpt_tos)
        )
        self.peers.append(session.peer)
        return f"250 2.0.0 Ok: queued as SINK{len(self.accepted)}"


@pytest.fixture
def postgres_db(transactional_db):
    require(
        connection.vendor == "postgresql",
        "another process or connection cannot see the in-memory SQLite test database: "
        "run with DATABASE_URL=postgres://...",
    )


@pytest.fixture
def redis_broker(postgres_db):
    """Checked after the database: a test that skips must not flush the queue first."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        require(False, f"Redis is not reachable at {REDIS_URL}: {exc}")
    client.flushdb()  # our own database number: stale tasks from an earlier run go
    yield REDIS_URL
    client.flushdb()


@pytest.fixture
def smtp_sink():
    from aiosmtpd.controller import Controller

    sink = Sink()
    for port in SMTP_PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                break
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.port = port
    sink.controller = controller
    yield sink
    sink.release.set()
    sink.controller.stop()


def use_broker(url: str):
    """Points this process's Celery app at another broker (drops its pooled connections)."""
    from kombu import pools

    from ecandidat.celery import app
    from notifications.services import _Breaker

    app.conf.broker_url = url
    # Celery prefers the CELERY_BROKER_URL environment variable to its configuration (CI and
    # production set it): point both, or this process keeps publishing elsewhere.
    os.environ["CELERY_BROKER_URL"] = url
    _Breaker.open_until = 0.0
    pools.reset()  # kombu's process-wide pools, keyed by connection
    app._pool = None
    with contextlib.suppress(KeyError):
        app.__dict__["amqp"]._producer_pool = None


@pytest.fixture
def celery_producer(redis_broker, settings):
    """This process sends tasks for real (not eagerly) to Redis."""
    from ecandidat.celery import app

    saved = app.conf.task_always_eager, app.conf.broker_url
    saved_env = os.environ.get("CELERY_BROKER_URL")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    use_broker(redis_broker)
    yield app
    app.conf.task_always_eager = saved[0]
    use_broker(saved[1])
    if saved_env is None:
        os.environ.pop("CELERY_BROKER_URL", None)
    else:
        os.environ["CELERY_BROKER_URL"] = saved_env


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def start_worker(postgres_db, redis_broker, smtp_sink, tmp_path):
    """Starts real ``celery -A ecandidat worker`` processes on the test database (``app``:
    another module holding the project's app, ``pool``: ``prefork`` for a main process and
    its children); they are killed at the end of the test, before the database is flushed."""
    workers = []

    def start(*, app="ecandidat", pool="solo", concurrency=1, **extra_env):
        log = tmp_path / f"worker-{len(workers)}.log"
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": redis_broker,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
            "EMAIL_TIMEOUT": "10",
            "NOTIFICATIONS_LEASE_SECONDS": "3",
            "NOTIFICATIONS_REQUEUE_AFTER_SECONDS": "1",
            "PYTHONUNBUFFERED": "1",
            **{k: str(v) for k, v in extra_env.items()},
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            app,
            "worker",
            f"--pool={pool}",
            f"--concurrency={concurrency}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"notif-test-{uuid.uuid4().hex[:8]}@%h",
        ]
        handle = log.open("wb")
        # Its own process group: the teardown kills a prefork pool's children with it.
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        workers.append(process)

        def ready():
            assert process.poll() is None, log.read_text()
            return " ready." in log.read_text()

        wait_until(ready, timeout=90, what=f"the worker to start (log: {log})")
        process.log = log
        return process

    yield start
    for process in workers:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


@pytest.fixture
def process_settings(settings):
    """The test process sweeps with the same short delays as its workers."""
    settings.NOTIFICATIONS_LEASE_SECONDS = 3
    settings.NOTIFICATIONS_REQUEUE_AFTER_SECONDS = 1
    return settings
