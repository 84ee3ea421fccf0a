"""missing_sections, the selector the applications will call, and dossier creation."""

import pytest

from dossiers.selectors import dossier_for, missing_sections
from dossiers.services import dossier_create, section_save
from tests.factories import DossierFactory, InternshipFactory, PersonalInfoFactory, UserFactory

DAEU_OPTIONAL = {"external_cursus", "internships", "experiences"}


@pytest.mark.django_db
def test_an_empty_dossier_misses_every_section_in_order():
    dossier = dossier_for(DossierFactory().user)
    assert missing_sections(dossier=dossier, optional_sections=set()) == [
        "personal_info",
        "address",
        "baccalaureate",
        "external_cursus",
        "internships",
        "experiences",
    ]


@pytest.mark.django_db
def test_optional_sections_are_not_missing(unlocked):
    dossier = dossier_for(unlocked.user)
    assert missing_sections(dossier=dossier, optional_sections=DAEU_OPTIONAL) == [
        "address",
        "baccalaureate",
    ]


@pytest.mark.django_db
def test_a_line_or_i_have_none_completes_a_repeatable_section(unlocked):
    InternshipFactory(dossier=unlocked)
    unlocked.has_no_experiences = True
    unlocked.save()
    section_save(
        dossier=unlocked, actor=unlocked.user, section="baccalaureate", data={"kind": "none"}
    )
    # Works on a dossier loaded without the selector's annotations too.
    unlocked.refresh_from_db()
    assert missing_sections(dossier=unlocked, optional_sections=set()) == [
        "address",
        "external_cursus",
    ]


@pytest.mark.django_db
def test_dossier_create_is_idempotent_and_numbered_by_the_candidate_number():
    user = UserFactory()
    first = dossier_create(user=user)
    assert dossier_create(user=user) == first
    assert first.number == user.candidate_number


@pytest.mark.django_db
def test_the_dossier_goes_with_the_account():
    info = PersonalInfoFactory()
    info.dossier.user.delete()
    from dossiers.models import Dossier, PersonalInfo

    assert not Dossier.objects.exists() and not PersonalInfo.objects.exists()


@pytest.mark.django_db
def test_dossier_for_is_one_read_and_writes_nothing(django_assert_num_queries):
    """It used to create the dossier of whoever asked, staff included."""
    from dossiers.models import Dossier

    staff, candidate = UserFactory(staff=True), UserFactory()
    with django_assert_num_queries(1):
        assert dossier_for(staff) is None
    with django_assert_num_queries(1):
        assert dossier_for(candidate) is None
    assert not Dossier.objects.exists()
