"""INE uniqueness and the freeze of the personal information after a submission."""

import pytest
from django.urls import reverse

from dossiers.models import PersonalInfo
from dossiers.services import (
    IneAlreadyUsed,
    PersonalInfoFrozen,
    dossier_freeze_personal_info,
    personal_info_save,
)
from tests.dossiers.test_sections import PERSONAL
from tests.factories import DossierFactory, PersonalInfoFactory

INE = "0312345678X"


def test_an_ine_in_use_points_to_account_recovery_not_to_its_owner(candidate_client, dossier):
    owner = PersonalInfoFactory(ine=INE, birth_name="Owner")
    response = candidate_client.post(
        reverse("dossiers:personal_info_edit"), {**PERSONAL, "ine": INE}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "déjà enregistré dans un autre dossier" in page
    assert reverse("account_reset_password") in page
    assert owner.dossier.user.email not in page and owner.dossier.number not in page
    assert not PersonalInfo.objects.filter(dossier=dossier).exists()


def test_the_service_refuses_an_ine_in_use(dossier):
    PersonalInfoFactory(ine=INE)
    data = {**PersonalInfoFactory.build().__dict__}
    data = {
        k: v for k, v in data.items() if not k.startswith("_") and k not in ("id", "dossier_id")
    }
    with pytest.raises(IneAlreadyUsed):
        personal_info_save(dossier=dossier, actor=dossier.user, data={**data, "ine": INE})


def test_keeping_ones_own_ine_is_fine(candidate_client, dossier):
    PersonalInfoFactory(dossier=dossier, ine=INE)
    response = candidate_client.post(
        reverse("dossiers:personal_info_edit"), {**PERSONAL, "ine": INE, "birth_name": "New"}
    )
    assert response.status_code == 302
    assert PersonalInfo.objects.get(dossier=dossier).birth_name == "New"


def test_freeze_sets_the_time_once(unlocked):
    dossier_freeze_personal_info(dossier=unlocked)
    first = unlocked.personal_info_frozen_at
    assert first is not None
    dossier_freeze_personal_info(dossier=unlocked)
    unlocked.refresh_from_db()
    assert unlocked.personal_info_frozen_at == first


def test_a_frozen_dossier_refuses_changes_in_the_service(unlocked):
    dossier_freeze_personal_info(dossier=unlocked)
    with pytest.raises(PersonalInfoFrozen):
        personal_info_save(dossier=unlocked, actor=unlocked.user, data={"birth_name": "X"})
    assert PersonalInfo.objects.get(dossier=unlocked).birth_name == "Martin"


def test_a_frozen_dossier_refuses_changes_in_the_view(candidate_client, unlocked):
    dossier_freeze_personal_info(dossier=unlocked)
    response = candidate_client.post(
        reverse("dossiers:personal_info_edit"), {**PERSONAL, "birth_name": "Changed"}, follow=True
    )
    page = response.content.decode()
    assert "ne peuvent plus être modifiées" in page
    assert PersonalInfo.objects.get(dossier=unlocked).birth_name == "Martin"
    assert reverse("dossiers:personal_info_edit") not in page  # no "edit" button
    assert reverse("account_email") in page  # the email still changes, there


def test_a_frozen_dossier_keeps_other_sections_editable(candidate_client, unlocked):
    dossier_freeze_personal_info(dossier=unlocked)
    data = {"country": "ES", "line1": "Calle Mayor 1", "town": "Madrid"}
    assert candidate_client.post(reverse("dossiers:address_edit"), data).status_code == 302


def test_the_freeze_of_one_dossier_leaves_the_others(candidate_client, unlocked):
    other = DossierFactory()
    dossier_freeze_personal_info(dossier=other)
    unlocked.refresh_from_db()
    assert not unlocked.personal_info_frozen
