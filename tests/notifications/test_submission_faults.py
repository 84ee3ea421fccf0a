"""Redis stopped in the middle of a submission, through the real page: a Redis server of its
own (port 8183, this helper's range) is, as in production, both the cache (sessions, rate
limits: database 0) and the broker (database 1) of this process and of a real worker; it is
stopped while the request is writing the submission, then started again. The submission is
saved, the pages keep working, the mail waits in the outbox and is delivered exactly once
after Redis returns, by the worker that was running all along (it reconnects)."""

import datetime
import os
import shutil
import socket
import subprocess
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from candidatures.models import Status as CandidatureStatus
from notifications.events import Event
from notifications.models import Outbox, Status
from notifications.services import _Breaker, outbox_sweep
from tests.factories import CandidatureFactory

from .conftest import require, use_broker, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
OWN_REDIS_PORT = int(os.environ.get("H15_REDIS_PORT", "8183"))


class OwnRedis:
    def __init__(self, port, workdir):
        self.port, self.workdir, self.process = port, workdir, None
        self.cache_url = f"redis://127.0.0.1:{port}/0"
        self.url = f"redis://127.0.0.1:{port}/1"

    def start(self):
        binary = shutil.which("redis-server")
        require(binary is not None, "redis-server is not installed")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, timeout=20, what=f"redis-server on {self.port}")

    def answers(self):
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        assert not self.answers()


@pytest.fixture
def own_redis(tmp_path, celery_producer, settings):
    redis = OwnRedis(OWN_REDIS_PORT, tmp_path)
    redis.start()
    use_broker(redis.url)
    settings.CACHES = {
        "default": {
            "BACKEND": "ecandidat.cache.TolerantRedisCache",
            "LOCATION": redis.cache_url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield redis
    redis.stop()


def _stop_redis_on_transition(redis):
    """The request has saved the application's new status and is writing its transition row
    (the mail is queued for after the commit) when Redis goes."""

    def wrapper(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "candidatures_candidaturetransition"'):
            redis.stop()
        return execute(sql, params, many, context)

    return wrapper


def _status(pk):
    return Outbox.objects.values_list("status", flat=True).get(pk=pk)


def test_redis_stopped_during_a_submission_loses_nothing_and_mails_once(
    client, own_redis, start_worker, smtp_sink, process_settings
):
    worker = start_worker(CELERY_BROKER_URL=own_redis.url)
    candidature = CandidatureFactory(draft=True)
    client.force_login(candidature.dossier.user)
    assert client.get(reverse("candidatures:dashboard")).status_code == 200  # session cached

    started = time.monotonic()
    with connection.execute_wrapper(_stop_redis_on_transition(own_redis)):
        response = client.post(reverse("pieces:submit", args=[candidature.pk]))
    elapsed = time.monotonic() - started

    # The candidate is told it is submitted, and it is.
    assert response.status_code == 302
    assert not own_redis.answers()
    candidature.refresh_from_db()
    assert candidature.status == CandidatureStatus.RECEIVED
    assert elapsed < 15, elapsed  # the request did not hang on the broker
    row = Outbox.objects.get(event=Event.APPLICATION_RECEIVED)
    assert (row.recipient_id, row.status, row.queued_at, row.attempts) == (
        candidature.dossier.user_id,
        Status.PENDING,
        None,
        0,
    )
    # Without Redis the candidate still reads their application (sessions from the database).
    page = client.get(reverse("candidatures:detail", args=[candidature.pk]))
    assert page.status_code == 200
    assert "Your application is submitted" in page.content.decode() or (
        "Votre candidature est transmise" in page.content.decode()
    )
    time.sleep(2)
    assert smtp_sink.accepted == []

    # Redis comes back on the same port; the beat's sweep queues the row again.
    own_redis.start()
    _Breaker.open_until = 0.0
    use_broker(own_redis.url)

    def delivered():
        outbox_sweep()
        return _status(row.pk) == Status.SENT

    wait_until(delivered, timeout=90, what=f"the mail delivered (log: {worker.log})")
    row.refresh_from_db()
    assert row.attempts == 1
    [(_, content, recipients)] = smtp_sink.accepted
    assert recipients == [candidature.dossier.user.email]
    assert candidature.dossier.number in content or candidature.programme.title in content

    # Exactly once: later sweeps find nothing, and nothing else arrives.
    assert outbox_sweep(now=timezone.now() + datetime.timedelta(hours=1)) == 0
    time.sleep(2)
    assert len(smtp_sink.accepted) == 1
