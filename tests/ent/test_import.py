"""Importing the student records into the dossier: imported values marked and locked, the
candidate's own fields kept on re-import, failures told to the candidate, every attempt
audited."""

import copy
import json

import pytest
from django.urls import reverse

from dossiers.models import InternalCursus, PersonalInfo, RecordsStatus
from dossiers.selectors import dossier_for
from dossiers.services import (
    dossier_create,
    dossier_freeze_personal_info,
    personal_info_save,
    section_save,
)
from ent.models import ImportOutcome
from ent.services import records_import
from tests.factories import PersonalInfoFactory, UserFactory

from .conftest import DEMO_RECORDS
from .helpers import imports_of

pytestmark = pytest.mark.django_db

ALICE = "21901234"


@pytest.fixture
def records(tmp_path, settings):
    """A fixture file the test can change between two imports."""
    path = tmp_path / "records.json"
    data = json.loads(DEMO_RECORDS.read_text(encoding="utf-8"))
    path.write_text(json.dumps(data))
    settings.STUDENT_RECORDS_BACKEND = "fixture"
    settings.STUDENT_RECORDS_FIXTURE = str(path)

    def change(**fields):
        data[0].update(copy.deepcopy(fields))
        path.write_text(json.dumps(data))

    return change


def _info(user):
    return PersonalInfo.objects.get(dossier__user=user)


def _candidate_edit(user, **changes):
    """What the candidate's own form would save: every field, some of them changed."""
    info = _info(user)
    fields = [
        f.name
        for f in PersonalInfo._meta.concrete_fields
        if f.name not in ("id", "dossier", "updated_at")
    ]
    data = {name: getattr(info, name) for name in fields}
    personal_info_save(dossier=dossier_for(user), actor=user, data={**data, **changes})


def test_reimport_updates_imported_values_and_keeps_what_the_candidate_typed(records):
    user = UserFactory()
    records_import(user=user, source="cas", student_number=ALICE)
    _candidate_edit(user, phone="+33561000099", usage_name="Martin")
    address = dossier_for(user).address
    section_save(
        dossier=dossier_for(user),
        actor=user,
        section="address",
        data={
            "country": "FR",
            "line1": "7 rue du Taur",  # the candidate moved
            "line2": "",
            "line3": "",
            "commune": address.commune,
            "town": "",
            "foreign_postal_code": "",
        },
    )
    records(
        birth_name="Durand-Lopez",
        address={**json.loads(DEMO_RECORDS.read_text())[0]["address"], "line1": "9 rue Neuve"},
        cursus=[
            {
                "year": 2023,
                "programme_code": "MPSY1",
                "programme_title": "Master 1 Psychologie",
                "result": "Admise",
            }
        ],
    )

    entry = records_import(user=user, source="cas", student_number=ALICE)

    info = _info(user)
    assert info.birth_name == "Durand-Lopez"  # the records' value, updated
    assert (str(info.phone), info.usage_name) == ("+33561000099", "Martin")  # the candidate's
    assert dossier_for(user).address.line1 == "7 rue du Taur"  # the candidate's change kept
    assert list(
        InternalCursus.objects.filter(dossier__user=user).values_list("programme_code", flat=True)
    ) == ["MPSY1"]
    assert set(entry.after["changed"].split(", ")) == {
        "personal_info.birth_name",
        "internal_cursus",
    }
    assert len(imports_of(user)) == 2


def test_imported_values_are_locked_whatever_the_door(records):
    user = UserFactory()
    records_import(user=user, source="cas", student_number=ALICE)
    info = _info(user)

    _candidate_edit(
        user,
        birth_name="Someone Else",
        first_names="Eve",
        birth_date=info.birth_date.replace(year=1990),
        phone="+33561000042",
    )

    info.refresh_from_db()
    assert (info.birth_name, info.first_names, info.birth_date.year) == (
        "Durand",
        "Alice, Jeanne",
        2001,
    )
    assert str(info.phone) == "+33561000042"


def test_the_personal_info_page_shows_locked_fields_and_asks_for_the_phone(client, records):
    user = UserFactory()
    records_import(user=user, source="cas", student_number=ALICE)
    client.force_login(user)

    page = client.get(reverse("dossiers:personal_info"))

    html = page.content.decode()
    assert page.context["form"].fields["birth_name"].disabled
    assert not page.context["form"].fields["phone"].disabled
    assert "Remonté du logiciel de scolarité" in html
    posted = client.post(
        reverse("dossiers:personal_info_edit"),
        {"birth_name": "Hacker", "phone": "05 61 00 00 07", "nationality": "FR"},
    )
    assert posted.status_code == 302, posted.context["form"].errors
    info = _info(user)
    assert (info.birth_name, str(info.phone)) == ("Durand", "+33561000007")
    summary = client.get(reverse("dossiers:personal_info")).content.decode()
    assert "remonté du logiciel de scolarité" in summary
    cursus = client.get(reverse("dossiers:internal_cursus")).content.decode()
    assert "Licence 3 Psychologie" in cursus and "21901234" in cursus


def test_frozen_personal_information_is_not_reimported(records):
    user = UserFactory()
    records_import(user=user, source="cas", student_number=ALICE)
    dossier_freeze_personal_info(dossier=dossier_for(user))
    records(birth_name="Changed")

    records_import(user=user, source="cas", student_number=ALICE)

    assert _info(user).birth_name == "Durand"


def test_records_down_keeps_the_dossier_and_tells_the_candidate(client, records_server):
    user = UserFactory()
    PersonalInfoFactory(dossier=dossier_create(user=user), birth_name="Typed")
    records_server.mode = "error"

    entry = records_import(user=user, source="cas", student_number=ALICE)

    assert entry.after["outcome"] == ImportOutcome.UNAVAILABLE and "500" in entry.comment
    assert _info(user).birth_name == "Typed"
    assert dossier_for(user).records_status == RecordsStatus.UNAVAILABLE
    client.force_login(user)
    page = client.get(reverse("dossiers:overview"), HTTP_ACCEPT_LANGUAGE="en")
    assert "could not be reached" in page.content.decode()


def test_an_ine_already_in_another_dossier_is_not_imported_the_rest_is(records):
    other = PersonalInfoFactory(ine="1234567890V")
    user = UserFactory()

    entry = records_import(user=user, source="cas", student_number=ALICE)

    assert entry.after["outcome"] == ImportOutcome.INE_TAKEN
    assert _info(user).ine == "" and _info(user).birth_name == "Durand"
    assert other.ine == "1234567890V"
    assert dossier_for(user).records_status == RecordsStatus.INE_TAKEN


def test_an_unknown_student_number_is_logged_not_found(records):
    user = UserFactory()
    entry = records_import(user=user, source="cas", student_number="00000000")
    assert entry.after["outcome"] == ImportOutcome.NOT_FOUND
    assert not PersonalInfo.objects.filter(dossier__user=user).exists()


def test_what_the_records_hold_but_our_lists_lack_is_left_to_the_candidate(client, records):
    """An unknown birth commune or baccalauréat series is not locked empty: the candidate can
    fill it (before, the form required a postal code it would not let them type)."""
    records(
        birth_insee_code="99999",
        baccalaureate={
            "kind": "french",
            "year": 2019,
            "series": "ZZ",
            "mention": "AB",
            "school": "Lycée Bellevue",
            "school_country": "FR",
        },
    )
    user = UserFactory()
    entry = records_import(user=user, source="cas", student_number=ALICE)
    assert "unknown birth commune 99999" in entry.comment
    client.force_login(user)

    form = client.get(reverse("dossiers:personal_info")).context["form"]
    assert form.fields["birth_name"].disabled
    assert not form.fields["birth_postal_code"].disabled
    posted = client.post(
        reverse("dossiers:personal_info_edit"),
        {"phone": "05 61 00 00 07", "birth_postal_code": "31700", "birth_commune_name": "Blagnac"},
    )
    assert posted.status_code == 302, posted.context["form"].errors
    assert _info(user).birth_commune.insee_code == "31069"
    bac = client.get(reverse("dossiers:baccalaureate_edit")).context["form"]
    assert not bac.fields["series"].disabled and bac.fields["school"].disabled
