"""The run log: every way of starting a job writes one row with its counts and errors; a
failing job is logged as failed (the command exits non-zero), a dead run is marked
interrupted by the next one."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jobs import registry
from jobs.models import JobRun
from jobs.registry import JobReport, all_jobs, scheduled_job
from jobs.runner import job_run
from jobs.schedules import sync_schedules

pytestmark = pytest.mark.django_db

EXPECTED_JOBS = {
    "accounts.purge_unactivated",
    "notifications.outbox_sweep",
    "pieces.sweep_orphan_files",
    "pieces.rescan_pending",
    "pieces.check_storage",
    "candidatures.expire_confirmations",
    "candidatures.return_reminders",
    "candidatures.confirmation_reminders",
    "candidatures.retention_purge",
}


@pytest.fixture
def temporary_job():
    calls = []

    @scheduled_job("tests.flaky", label="Flaky test job", every=3600)
    def flaky(*, dry_run, limit):
        calls.append((dry_run, limit))
        if limit == 13:
            raise RuntimeError("thirteen")
        report = JobReport()
        report.add("done", 2)
        if limit == 7:
            report.error("item 7 refused")
        return report

    yield calls
    registry._registry.pop("tests.flaky")


def test_every_periodic_job_is_registered_and_scheduled():
    from django_celery_beat.models import PeriodicTask

    assert {job.name for job in all_jobs()} >= EXPECTED_JOBS
    scheduled = {task.name: task for task in PeriodicTask.objects.filter(task="jobs.tasks.run_job")}
    assert set(scheduled) >= EXPECTED_JOBS
    assert scheduled["notifications.outbox_sweep"].interval.every == 60


def test_a_job_registered_later_gets_its_schedule_once_and_admin_edits_stay(temporary_job):
    from django_celery_beat.models import PeriodicTask

    assert sync_schedules() == ["tests.flaky"]
    task = PeriodicTask.objects.get(name="tests.flaky")
    task.enabled = False
    task.save()
    assert sync_schedules() == []
    assert PeriodicTask.objects.get(name="tests.flaky").enabled is False


def test_a_run_is_logged_with_counts_and_who(temporary_job, django_user_model):
    user = django_user_model.objects.create_user(email="op@example.org", password="x" * 12)
    run = job_run(name="tests.flaky", trigger="admin", user=user, limit=3)
    run.refresh_from_db()
    assert (run.status, run.counts, run.summary, run.triggered_by, run.limit) == (
        "succeeded",
        {"done": 2},
        "done: 2",
        user,
        3,
    )
    assert run.started_at <= run.finished_at


def test_item_errors_make_a_partial_run(temporary_job):
    run = job_run(name="tests.flaky", limit=7)
    assert run.status == "partial"
    assert run.errors == "item 7 refused"
    assert run.counts == {"done": 2, "errors": 1}


def test_a_failing_job_is_logged_failed_and_the_command_exits_non_zero(temporary_job):
    with pytest.raises(CommandError, match="thirteen"):
        call_command("run_job", "tests.flaky", "--limit", "13")
    run = JobRun.objects.get()
    assert run.status == "failed" and run.trigger == "command"
    assert "RuntimeError: thirteen" in run.errors and run.finished_at is not None


def test_dry_run_is_passed_and_said(temporary_job, capsys):
    call_command("run_job", "tests.flaky", "--dry-run")
    assert temporary_job == [(True, None)]
    assert "done: 2 (dry run)" in capsys.readouterr().out
    assert JobRun.objects.get().dry_run is True


def test_a_run_left_running_by_a_dead_process_is_marked_interrupted(temporary_job, settings):
    settings.JOBS_STALE_AFTER_SECONDS = 3600
    dead = JobRun.objects.create(
        job="tests.flaky",
        trigger="schedule",
        status="running",
        started_at=timezone.now() - datetime.timedelta(hours=2),
    )
    alive = JobRun.objects.create(
        job="tests.flaky", trigger="schedule", status="running", started_at=timezone.now()
    )
    job_run(name="tests.flaky")
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == "interrupted" and dead.finished_at is not None
    assert alive.status == "running"


def test_two_jobs_with_one_name_are_refused():
    @scheduled_job("tests.once", label="Once", every=60)
    def first(*, dry_run, limit):
        return JobReport()

    try:
        with pytest.raises(registry.DuplicateJob):

            @scheduled_job("tests.once", label="Twice", every=60)
            def second(*, dry_run, limit):
                return JobReport()
    finally:
        registry._registry.pop("tests.once")
