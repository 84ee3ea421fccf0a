"""The section pages: order lock, each section's validation and storage, the left menu, both
languages."""

import datetime

import pytest
from django.urls import reverse

from dossiers.models import Address, Baccalaureate, BacSeries, PersonalInfo
from tests.factories import DossierFactory, PersonalInfoFactory

PERSONAL = {
    "civility": "mme",
    "birth_name": "Martin",
    "usage_name": "",
    "first_names": "Camille",
    "birth_date": "1998-04-12",
    "birth_country": "FR",
    "birth_postal_code": "31700",
    "birth_commune_name": "Blagnac",
    "birth_town": "",
    "nationality": "FR",
    "ine": "",
    "phone": "05 61 00 00 01",
    "mobile_phone": "",
}


def post(client, name, data):
    return client.post(reverse(f"dossiers:{name}"), data)


@pytest.mark.parametrize(
    "name",
    ["address", "baccalaureate", "internal_cursus", "external_cursus", "internships"],
)
def test_other_sections_are_locked_until_personal_info_is_complete(candidate_client, name):
    response = candidate_client.get(reverse(f"dossiers:{name}"))
    assert response.status_code == 403
    assert "Renseignez d’abord vos informations personnelles" in response.content.decode()


def test_a_locked_section_refuses_a_post(candidate_client, dossier):
    response = post(candidate_client, "address_edit", {"country": "FR", "line1": "1 rue"})
    assert response.status_code == 403
    assert not Address.objects.filter(dossier=dossier).exists()


def test_personal_info_is_stored_and_unlocks_the_rest(candidate_client, dossier):
    response = post(candidate_client, "personal_info_edit", PERSONAL)
    assert response.status_code == 302
    info = PersonalInfo.objects.get(dossier=dossier)
    assert info.birth_commune.insee_code == "31069"
    assert info.phone.as_e164 == "+33561000001"
    page = candidate_client.get(reverse("dossiers:address")).content.decode()
    assert "Adresse" in page and "Code postal" in page


def test_personal_info_summary_shows_email_edit_and_next(candidate_client, unlocked):
    page = candidate_client.get(reverse("dossiers:personal_info")).content.decode()
    assert unlocked.user.email in page
    assert reverse("dossiers:personal_info_edit") in page
    assert reverse("dossiers:address") in page  # "next"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"birth_date": "2999-01-01"}, "birth_date", "dans le futur"),
        ({"birth_date": "1850-01-01"}, "birth_date", "pas plausible"),
        ({"birth_postal_code": "99999"}, "birth_postal_code", "code postal est inconnu"),
        ({"birth_commune_name": "Paris"}, "birth_commune_name", "BLAGNAC"),
        ({"birth_country": "MA", "birth_town": ""}, "birth_town", "ville où vous êtes né"),
        ({"ine": "0312345678Y"}, "ine", "clé de contrôle"),
        ({"ine": "12AB"}, "ine", "celui-ci en compte 4"),
        # Eleven characters of no INE shape: not "it has 11 characters" (issue 13).
        ({"ine": "ABCDEFGHIJK"}, "ine", "Ces 11 caractères ne forment pas un INE"),
        # Issue 13: characters no name contains are refused, with a clear message.
        ({"birth_name": "Jeanne, <script>"}, "birth_name", "Retirez : « &lt; », « &gt; »"),
        ({"first_names": "Jeanne\u202e"}, "first_names", "Retirez : U+202E"),
        ({"phone": "12"}, "phone", ""),
        ({"birth_name": ""}, "birth_name", "obligatoire"),
    ],
)
def test_personal_info_validation(candidate_client, dossier, change, field, message):
    response = post(candidate_client, "personal_info_edit", {**PERSONAL, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    page = response.content.decode()
    assert "form-error-summary" in page
    assert message in page
    assert not PersonalInfo.objects.filter(dossier=dossier).exists()


def test_a_valid_ine_is_stored_normalized(candidate_client, dossier):
    post(candidate_client, "personal_info_edit", {**PERSONAL, "ine": "03 1234 5678 x"})
    assert PersonalInfo.objects.get(dossier=dossier).ine == "0312345678X"


def test_address_in_france_and_abroad(candidate_client, unlocked):
    data = {"country": "FR", "line1": "12 rue des Lilas", "postal_code": "31400"}
    data["commune_name"] = "toulouse"
    assert post(candidate_client, "address_edit", data).status_code == 302
    address = Address.objects.get(dossier=unlocked)
    assert (address.commune.name, address.commune.postal_code) == ("TOULOUSE", "31400")
    abroad = {"country": "ES", "line1": "Calle Mayor 1", "town": "Madrid"}
    assert post(candidate_client, "address_edit", abroad).status_code == 302
    address.refresh_from_db()
    assert (address.commune, address.town) == (None, "Madrid")


def test_a_postal_code_with_several_communes_needs_the_name(candidate_client, unlocked):
    data = {"country": "FR", "line1": "1 rue", "postal_code": "31700", "commune_name": ""}
    response = post(candidate_client, "address_edit", data)
    assert "BEAUZELLE, BLAGNAC, CORNEBARRIEU" in response.content.decode()


def test_saint_is_matched_with_st(candidate_client, unlocked):
    data = {"country": "FR", "line1": "1 rue", "postal_code": "31650"}
    data["commune_name"] = "Saint-Orens-de-Gameville"
    assert post(candidate_client, "address_edit", data).status_code == 302


def test_baccalaureate_french_requires_its_fields(candidate_client, unlocked):
    response = post(candidate_client, "baccalaureate_edit", {"kind": "french"})
    assert set(response.context["form"].errors) >= {"year", "series", "school"}
    series = BacSeries.objects.get(code="GEN")
    data = {
        "kind": "french",
        "year": "2020",
        "series": series.pk,
        "specialities": "Mathématiques, SES",
        "school": "Lycée Fermat",
        "school_country": "FR",
    }
    assert post(candidate_client, "baccalaureate_edit", data).status_code == 302
    assert Baccalaureate.objects.get(dossier=unlocked).series == series


def test_baccalaureate_none_path_clears_the_rest(candidate_client, unlocked):
    data = {"kind": "none", "year": "2020", "school": "Lycée"}
    assert post(candidate_client, "baccalaureate_edit", data).status_code == 302
    bac = Baccalaureate.objects.get(dossier=unlocked)
    assert (bac.kind, bac.year, bac.school) == ("none", None, "")


def test_baccalaureate_year_in_the_future_is_refused(candidate_client, unlocked):
    year = datetime.date.today().year + 1
    response = post(candidate_client, "baccalaureate_edit", {"kind": "french", "year": year})
    assert "year" in response.context["form"].errors


def test_menu_shows_each_section_state(candidate_client, unlocked):
    page = candidate_client.get(reverse("dossiers:overview")).content.decode()
    assert page.count("fr-badge--success") == 1  # personal information
    assert page.count("fr-badge--warning") == 5
    assert "1 sur 6 rubriques complètes" in page


def test_overview_in_english(candidate_client, unlocked):
    candidate_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = candidate_client.get(reverse("dossiers:overview")).content.decode()
    assert "My dossier" in page and "1 of 6 sections complete" in page
    assert "Still to fill in" in page


def test_section_form_in_english(candidate_client, unlocked):
    candidate_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = candidate_client.get(reverse("dossiers:address_edit")).content.decode()
    assert "Postal code" in page and "Address line 1" in page


def test_dossier_pages_need_a_login(client, db):
    response = client.get(reverse("dossiers:overview"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_reading_never_creates_a_dossier_the_candidate_opens_it_with_a_post(client, db):
    """An account activated another way than by the mailed link has no dossier: the page says
    so and offers a button; only that POST creates it."""
    from dossiers.models import Dossier
    from tests.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    for name in ("overview", "personal_info", "address", "internships"):
        page = client.get(reverse(f"dossiers:{name}"))
        assert page.status_code == 200
        assert "Votre compte n'a pas encore de dossier" in page.content.decode()
        assert reverse("dossiers:open") in page.content.decode()
    assert not Dossier.objects.filter(user=user).exists()

    response = client.post(reverse("dossiers:open"))
    assert response.status_code == 302 and response.url == reverse("dossiers:overview")
    assert Dossier.objects.get(user=user).number == user.candidate_number
    assert user.candidate_number in client.get(reverse("dossiers:overview")).content.decode()


def test_staff_opening_the_dossier_pages_get_no_dossier(client, db):
    from dossiers.models import Dossier
    from tests.factories import UserFactory

    staff = UserFactory(staff=True)
    client.force_login(staff)
    for name in ("overview", "personal_info", "internships"):
        response = client.get(reverse(f"dossiers:{name}"), follow=True)
        assert response.redirect_chain == [(reverse("home"), 302)]
        assert "réservées aux candidats" in response.content.decode()
    client.post(reverse("dossiers:open"))
    assert not Dossier.objects.filter(user=staff).exists()


def test_older_accounts_get_their_dossier_from_the_migration(db):
    """Migration 0003 gives a dossier to activated candidates without one, never to staff nor
    to unactivated accounts."""
    from importlib import import_module

    from django.apps import apps

    from dossiers.models import Dossier
    from tests.factories import UserFactory

    older, staff = UserFactory(), UserFactory(staff=True)
    unactivated = UserFactory(unactivated=True)
    kept = DossierFactory()
    migration = import_module("dossiers.migrations.0003_dossiers_for_older_accounts")
    migration.create_missing_dossiers(apps, None)
    assert Dossier.objects.get(user=older).number == older.candidate_number
    assert not Dossier.objects.filter(user__in=[staff, unactivated]).exists()
    assert Dossier.objects.get(user=kept.user) == kept


def test_sections_never_show_another_candidates_data(candidate_client):
    other = PersonalInfoFactory(dossier=DossierFactory(), birth_name="Secretname")
    page = candidate_client.get(reverse("dossiers:personal_info")).content.decode()
    assert other.birth_name not in page


def test_personal_info_is_prefilled_from_the_sign_up(client, db):
    from tests.factories import UserFactory

    user = UserFactory(last_name="Dubois", first_name="Léa")
    DossierFactory(user=user)
    client.force_login(user)
    page = client.get(reverse("dossiers:personal_info")).content.decode()
    assert 'value="Dubois"' in page and 'value="Léa"' in page


def test_next_moves_through_the_sections_in_order(candidate_client, unlocked):
    page = candidate_client.get(reverse("dossiers:internal_cursus")).content.decode()
    assert "Suivant : Cursus post-bac externe" in page
    assert "complétée par l’université" in page  # empty until the student-records import


def test_admin_pages_render(admin_client, unlocked):
    from tests.factories import ExperienceFactory

    ExperienceFactory(dossier=unlocked)
    for url in (
        reverse("admin:dossiers_dossier_changelist"),
        reverse("admin:dossiers_dossier_change", args=[unlocked.pk]),
        reverse("admin:dossiers_commune_changelist") + "?q=toulouse",
        reverse("admin:dossiers_bacseries_changelist"),
        reverse("admin:dossiers_bacmention_changelist"),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    page = admin_client.get(reverse("admin:dossiers_dossier_change", args=[unlocked.pk]))
    assert "Martin" in page.content.decode()
