"""The jobs in the admin: the run log, the jobs page with each job's schedule and last run,
« run now » for the central administration only (a job works on every centre)."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from jobs.models import JobRun
from notifications.models import Outbox
from tests.factories import CandidatureFactory, CentreFactory, central_admin, centre_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = central_admin()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["run_jobs", "view_jobrun"]))
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def test_run_now_from_the_jobs_page_reminds_once(
    client, operator, mailoutbox, django_capture_on_commit_callbacks
):
    candidature = CandidatureFactory(
        return_deadline_override=timezone.now() + datetime.timedelta(days=1),
        deadline_override_reason="test",
    )
    page = client.get(reverse("admin:jobs_jobrun_jobs")).content.decode()
    assert "Remind drafts and incomplete applications of the return deadline" in page
    assert page.count('name="job"') >= 8
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("admin:jobs_jobrun_run"), {"job": "candidatures.return_reminders"}
            )
        assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[candidature.dossier.user.email]]
    assert Outbox.objects.filter(event="return_deadline_reminder").count() == 1
    runs = JobRun.objects.filter(job="candidatures.return_reminders").order_by("pk")
    assert [(r.trigger, r.triggered_by, r.status, r.counts) for r in runs] == [
        ("admin", operator, "succeeded", {"sent": 1}),
        ("admin", operator, "succeeded", {"sent": 0}),
    ]
    changelist = client.get(reverse("admin:jobs_jobrun_changelist")).content.decode()
    assert "sent: 0" in changelist and "sent: 1" in changelist
    page = client.get(reverse("admin:jobs_jobrun_jobs")).content.decode()
    assert "sent: 0" in page and operator.email in page


@pytest.fixture
def db_sessions(settings):
    """Sessions in the database whatever REDIS_URL says, so the count below is exact."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


def test_the_jobs_page_costs_a_fixed_number_of_queries(
    db_sessions, client, operator, django_assert_num_queries
):
    for name in ("accounts.purge_unactivated", "pieces.rescan_pending"):
        for _ in range(3):
            JobRun.objects.create(job=name, trigger="schedule", status="succeeded")
    type(operator).objects.filter(pk=operator.pk).update(language="en")  # nothing to remember
    # session, user, permissions (2), newest run ids, those runs, schedules.
    with django_assert_num_queries(7):
        response = client.get(reverse("admin:jobs_jobrun_jobs"))
    assert response.status_code == 200


def test_an_unknown_job_is_refused_with_a_message(client, operator):
    response = client.post(reverse("admin:jobs_jobrun_run"), {"job": "nope"}, follow=True)
    assert "There is no such job." in response.content.decode()
    assert not JobRun.objects.exists()


def test_centre_staff_may_read_the_log_but_not_run(client):
    staff = centre_staff(CentreFactory())
    staff.user_permissions.add(Permission.objects.get(codename="view_jobrun"))
    client.force_login(staff)
    page = client.get(reverse("admin:jobs_jobrun_jobs")).content.decode()
    assert "Traitements planifiés" in page and "Lancer maintenant" not in page
    response = client.post(reverse("admin:jobs_jobrun_run"), {"job": "pieces.rescan_pending"})
    assert response.status_code == 403
    assert not JobRun.objects.exists()


def test_run_now_needs_the_permission_even_for_every_centre(client):
    admin = central_admin()
    admin.user_permissions.add(Permission.objects.get(codename="view_jobrun"))
    client.force_login(admin)
    response = client.post(reverse("admin:jobs_jobrun_run"), {"job": "pieces.rescan_pending"})
    assert response.status_code == 403
