"""The offer's rules held by the models and the database."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from candidatures.models import Candidature
from tests.factories import CampaignFactory, CandidatureFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_one_active_campaign_at_a_time():
    CampaignFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CampaignFactory(code="2027")


def test_programme_clean_checks_the_chain_of_dates():
    programme = ProgrammeFactory.build(campaign=CampaignFactory(), centre=None)
    programme.centre = ProgrammeFactory().centre
    programme.full_clean()
    programme.return_deadline = programme.closes_at - timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert set(error.value.message_dict) == {"return_deadline"}


def test_programme_needs_exactly_one_confirmation_rule():
    programme = ProgrammeFactory.build(campaign=CampaignFactory(), centre=None)
    programme.centre = ProgrammeFactory().centre
    programme.confirmation_days = 5
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert "confirmation_days" in error.value.message_dict


def test_programme_optional_sections_are_section_keys():
    programme = ProgrammeFactory.build(campaign=CampaignFactory(), centre=None)
    programme.centre = ProgrammeFactory().centre
    programme.optional_sections = ["hobbies"]
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert "optional_sections" in error.value.message_dict


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "received", "decision": "favourable"},
        {"status": "cancelled", "decision": "unfavourable"},
        {"status": "complete", "decision": "unfavourable", "answer": "confirmed"},
        {"status": "complete", "decision": "favourable", "answer": "confirmed"},  # unpublished
        {"status": "complete", "decision": "favourable", "waitlist_rank": 3},
    ],
)
def test_database_refuses_impossible_applications(fields):
    candidature = CandidatureFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidature.objects.filter(pk=candidature.pk).update(**fields)


def test_no_dead_decision_permission_is_left(db):
    """The workflow checks the reviewer's scope, not a permission: the migration deletes the
    old ``decide_candidature`` row, with the groups' and users' links to it."""
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from candidatures.models import Candidature

    assert not Permission.objects.filter(codename="decide_candidature").exists()
    old = Permission.objects.create(
        codename="decide_candidature",
        name="Can record a commission's decision",
        content_type=ContentType.objects.get_for_model(Candidature),
    )
    group = Group.objects.create(name="Jury")
    group.permissions.add(old)
    migration = import_module("candidatures.migrations.0007_drop_decide_permission")
    migration.drop_permission(apps, None)
    assert not Permission.objects.filter(codename="decide_candidature").exists()
    assert not group.permissions.exists()
