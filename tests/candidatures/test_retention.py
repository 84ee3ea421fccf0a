"""Retention: an archived campaign's applications and files go RETENTION_DAYS after the
archiving, and the accounts left with no application; the active campaign is never touched."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from candidatures.models import Candidature, Programme
from dossiers.models import Dossier
from jobs.models import JobRun
from pieces.models import Piece
from tests.factories import (
    CampaignFactory,
    CandidatureFactory,
    PieceFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def purge(django_capture_on_commit_callbacks, *args):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_retention", *args)
    return JobRun.objects.order_by("-pk").first()


def archived_campaign(days_ago):
    return CampaignFactory(
        archived=True, archived_at=timezone.now() - datetime.timedelta(days=days_ago)
    )


def test_an_old_archived_campaign_goes_with_its_files_and_lone_accounts(
    django_capture_on_commit_callbacks,
):
    old = ProgrammeFactory(campaign=archived_campaign(400), closed=True)
    lone = CandidatureFactory(programme=old, complete=True)
    piece = PieceFactory(candidature=lone)
    stored = piece.file.name
    assert default_storage.exists(stored)
    # This candidate also applies in the active campaign: their account and that one stay.
    both = CandidatureFactory(programme=old, complete=True)
    active = CandidatureFactory(dossier=both.dossier, programme=ProgrammeFactory())
    active_piece = PieceFactory(candidature=active)
    staff = UserFactory(is_staff=True)
    staff_application = CandidatureFactory(programme=old, dossier__user=staff)

    run = purge(django_capture_on_commit_callbacks)
    assert run.status == "succeeded"
    assert run.counts == {"applications deleted": 3, "files deleted": 1, "accounts deleted": 1}
    assert list(Candidature.objects.all()) == [active]
    assert not default_storage.exists(stored)
    assert list(Piece.objects.all()) == [active_piece]
    assert default_storage.exists(active_piece.file.name)
    assert not User.objects.filter(pk=lone.dossier.user_id).exists()
    assert not Dossier.objects.filter(pk=lone.dossier_id).exists()
    assert User.objects.filter(pk=both.dossier.user_id).exists()
    assert User.objects.filter(pk=staff.pk).exists()  # a staff account never goes
    assert not Candidature.objects.filter(pk=staff_application.pk).exists()
    assert Programme.objects.filter(pk=old.pk).exists()  # the offer stays on record


def test_nothing_of_the_active_campaign_nor_of_a_recent_archive(
    django_capture_on_commit_callbacks, settings
):
    settings.RETENTION_DAYS = 365
    active = CandidatureFactory()
    PieceFactory(candidature=active)
    recent = CandidatureFactory(programme=ProgrammeFactory(campaign=archived_campaign(300)))
    never_applied = UserFactory()
    run = purge(django_capture_on_commit_callbacks)
    assert run.counts == {"applications deleted": 0, "files deleted": 0, "accounts deleted": 0}
    assert set(Candidature.objects.all()) == {active, recent}
    assert Piece.objects.count() == 1
    assert User.objects.filter(pk=never_applied.pk).exists()


def test_the_active_campaign_survives_even_with_an_old_archiving_date(
    django_capture_on_commit_callbacks,
):
    """A campaign archived long ago and made active again (its archiving date cleared by
    the constraint) is the active one: untouched. The same with the guard under the lock:
    a campaign reactivated between selection and deletion is spared."""
    from candidatures import retention

    campaign = archived_campaign(500)
    candidature = CandidatureFactory(programme=ProgrammeFactory(campaign=campaign))
    real = retention.expired_campaigns
    calls = []

    def reactivated_meanwhile(now=None):
        calls.append(now)
        if len(calls) == 2:  # the check under the lock
            campaign.__class__.objects.update(is_active=False)
            campaign.__class__.objects.filter(pk=campaign.pk).update(
                archived_at=None, is_active=True
            )
        return real(now)

    retention.expired_campaigns = reactivated_meanwhile
    try:
        run = purge(django_capture_on_commit_callbacks)
    finally:
        retention.expired_campaigns = real
    assert run.counts["applications deleted"] == 0
    assert Candidature.objects.filter(pk=candidature.pk).exists()


def test_dry_run_counts_and_keeps_everything(django_capture_on_commit_callbacks):
    old = CandidatureFactory(programme=ProgrammeFactory(campaign=archived_campaign(400)))
    PieceFactory(candidature=old)
    run = purge(django_capture_on_commit_callbacks, "--dry-run")
    assert run.counts == {"applications to delete": 1, "files to delete": 1}
    assert Candidature.objects.filter(pk=old.pk).exists()
