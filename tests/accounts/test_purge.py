"""The purge of accounts not activated within 48 hours: exactly those, nothing else."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import IssuedCandidateNumber, User
from accounts.services import accounts_purge_unactivated
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def population():
    now = timezone.now()
    old = now - datetime.timedelta(hours=48, minutes=1)
    return {
        "expired": UserFactory(unactivated=True, date_joined=old),
        "expired_too": UserFactory(unactivated=True, date_joined=now - datetime.timedelta(days=30)),
        "fresh": UserFactory(
            unactivated=True, date_joined=now - datetime.timedelta(hours=47, minutes=59)
        ),
        "activated_old": UserFactory(date_joined=old),
        "staff_never_activated": UserFactory(unactivated=True, staff=True, date_joined=old),
    }


def test_purge_deletes_exactly_the_expired_unactivated_accounts(population):
    report = accounts_purge_unactivated()
    remaining = set(User.objects.values_list("pk", flat=True))
    assert remaining == {
        population["fresh"].pk,
        population["activated_old"].pk,
        population["staff_never_activated"].pk,
    }
    assert len(report.deleted) == 2
    assert population["expired"].candidate_number in str(report)
    # Their numbers stay issued, so they are never given again.
    assert IssuedCandidateNumber.objects.filter(
        number=population["expired"].candidate_number
    ).exists()


def test_purge_deletes_what_is_attached(population):
    from allauth.account.models import EmailAddress

    accounts_purge_unactivated()
    assert not EmailAddress.objects.filter(user_id=population["expired"].pk).exists()


def test_dry_run_deletes_nothing_and_says_what_it_would(population, capsys):
    call_command("purge_unactivated_accounts", "--dry-run")
    out = capsys.readouterr().out
    assert "would delete 2" in out
    assert User.objects.count() == 5


def test_command_and_scheduled_job_share_the_service(population, capsys):
    from jobs.models import JobRun
    from jobs.tasks import run_job

    call_command("purge_unactivated_accounts", "--limit", "1")
    assert "deleted 1" in capsys.readouterr().out
    assert "deleted 1" in run_job.delay("accounts.purge_unactivated").get()
    assert User.objects.count() == 3
    runs = JobRun.objects.filter(job="accounts.purge_unactivated").order_by("pk")
    assert [(run.trigger, run.counts) for run in runs] == [
        ("command", {"deleted": 1}),
        ("schedule", {"deleted": 1}),
    ]


def test_the_purge_is_scheduled_hourly_in_the_database():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="accounts.purge_unactivated")
    assert (task.task, task.args, task.enabled) == (
        "jobs.tasks.run_job",
        '["accounts.purge_unactivated"]',
        True,
    )
    assert task.crontab.minute == "7" and task.crontab.hour == "*"


def test_purge_goes_through_every_batch_and_stops_at_the_limit(population, monkeypatch):
    from accounts import services

    monkeypatch.setattr(services, "PURGE_BATCH", 1)
    assert len(accounts_purge_unactivated(dry_run=True).deleted) == 2
    assert len(accounts_purge_unactivated(limit=1).deleted) == 1
    assert len(accounts_purge_unactivated().deleted) == 1
    assert User.objects.count() == 3
