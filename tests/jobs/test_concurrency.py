"""Two real processes run the same job at once on PostgreSQL: the work is shared (rows taken
FOR UPDATE SKIP LOCKED, checked again under the lock) and done once — every candidate gets
one reminder, both runs are in the log and their counts add up."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from candidatures.models import Candidature
from jobs.models import JobRun
from notifications.models import Outbox
from tests.factories import CandidatureFactory, ProgrammeFactory

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run on PostgreSQL (row locks across processes)")
        pytest.skip("two processes need a database both can see: run with PostgreSQL")


def test_two_runs_at_once_remind_each_candidate_once(postgres, tmp_path):
    programme = ProgrammeFactory()
    deadline = timezone.now() + datetime.timedelta(days=2)
    count = 80
    for _ in range(count):
        CandidatureFactory(
            programme=programme, return_deadline_override=deadline, deadline_override_reason="t"
        )
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "ECANDIDAT_VAR_DIR": str(tmp_path),
        "CELERY_TASK_ALWAYS_EAGER": "true",  # each process also sends its mails (to var/mail)
        "JOBS_BATCH_SIZE": "4",
        "EMAIL_URL": "",
    }
    command = [sys.executable, "manage.py", "send_return_reminders"]
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    for process, (_out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err.decode()

    reminders = Outbox.objects.filter(event="return_deadline_reminder")
    assert reminders.count() == count
    assert sorted(reminders.values_list("recipient_id", flat=True)) == sorted(
        Candidature.objects.values_list("dossier__user_id", flat=True)
    )
    assert set(reminders.values_list("status", flat=True)) == {"sent"}
    assert not Candidature.objects.filter(return_reminder_sent_at__isnull=True).exists()
    first, second = JobRun.objects.filter(job="candidatures.return_reminders").order_by("pk")
    assert first.counts["sent"] + second.counts["sent"] == count
    # They did run at the same time (else this test proves nothing).
    assert first.started_at < second.finished_at and second.started_at < first.finished_at
    assert len(list((tmp_path / "mail").iterdir())) == count
