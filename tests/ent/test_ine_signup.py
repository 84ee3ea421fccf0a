"""« J'ai déjà été inscrit mais je n'ai pas d'accès ENT »: sign-up with the INE and the birth
date, import after activation, mismatches and rate limit."""

import re

import pytest
from allauth.account.models import EmailConfirmation
from django.urls import reverse

from accounts.models import User
from dossiers.models import InternalCursus, PersonalInfo, RecordsStatus
from ent.models import IneClaim

from .helpers import imports_of

pytestmark = pytest.mark.django_db

SOPHIE = {
    "civility": "mme",
    "last_name": "Moreau",
    "first_name": "Sophie",
    "birth_date": "1995-09-21",
    "ine": "0611 2233 44a",
    "email": "sophie.moreau@example.org",
    "email2": "sophie.moreau@example.org",
    "password1": "une phrase de passe assez longue",
    "password2": "une phrase de passe assez longue",
}


@pytest.fixture
def records(settings):
    from .conftest import DEMO_RECORDS

    settings.STUDENT_RECORDS_BACKEND = "fixture"
    settings.STUDENT_RECORDS_FIXTURE = str(DEMO_RECORDS)


def _activate(client, mailoutbox):
    key = re.search(r"/accounts/confirm-email/([a-z0-9]{64})/", mailoutbox[-1].body).group(1)
    return client.post(reverse("account_activate", args=[key]))


def test_the_dossier_is_imported_after_activation(client, records, mailoutbox):
    response = client.post(reverse("ent:signup_ine"), SOPHIE)

    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(email="sophie.moreau@example.org")
    assert IneClaim.objects.get(user=user).ine == "0611223344A"
    assert not PersonalInfo.objects.filter(dossier__user=user).exists()  # not before activation
    assert EmailConfirmation.objects.filter(email_address__user=user).exists()

    _activate(client, mailoutbox)

    info = PersonalInfo.objects.get(dossier__user=user)
    assert (info.birth_name, info.ine, info.birth_commune.insee_code) == (
        "Moreau",
        "0611223344A",
        "31069",
    )
    assert InternalCursus.objects.filter(dossier__user=user).count() == 3
    [entry] = imports_of(user)
    assert (entry["source"], entry["looked_up_by"], entry["outcome"]) == ("ine", "ine", "imported")
    client.force_login(user)
    overview = client.get(reverse("dossiers:overview")).content.decode()
    assert "pré-rempli depuis le logiciel de scolarité" in overview


def test_a_mismatch_is_told_without_saying_whose_ine_it_is(english, records):
    response = english.post(reverse("ent:signup_ine"), {**SOPHIE, "birth_date": "1995-09-22"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "No student record matches this INE and this birth date" in html
    assert "Moreau" not in html.replace(SOPHIE["last_name"], "")  # only what was typed
    assert not User.objects.exists()


def test_attempts_are_rate_limited(english, records):
    for day in range(1, 6):
        english.post(reverse("ent:signup_ine"), {**SOPHIE, "birth_date": f"1995-09-0{day}"})

    response = english.post(reverse("ent:signup_ine"), SOPHIE)

    assert "Too many attempts" in response.content.decode()
    assert not User.objects.exists()


def test_a_wrong_ine_key_is_a_form_error(english, records):
    response = english.post(reverse("ent:signup_ine"), {**SOPHIE, "ine": "0611223344B"})
    assert "check key" in response.content.decode()
    assert not User.objects.exists()


def test_records_down_at_sign_up_lets_the_account_be_created_and_says_so_later(
    client, records_server, mailoutbox
):
    records_server.mode = "error"

    client.post(reverse("ent:signup_ine"), SOPHIE)
    _activate(client, mailoutbox)

    user = User.objects.get()
    assert user.activated_at is not None
    assert user.dossier.records_status == RecordsStatus.UNAVAILABLE
    assert [entry["outcome"] for entry in imports_of(user)] == ["unavailable"]


def test_the_page_is_linked_from_home_and_sign_in(client):
    for url in ("/", reverse("account_login")):
        assert reverse("ent:signup_ine") in client.get(url).content.decode()


def test_a_failed_import_is_tried_again_at_the_next_sign_in(client, records_server, mailoutbox):
    records_server.mode = "error"
    client.post(reverse("ent:signup_ine"), SOPHIE)
    _activate(client, mailoutbox)
    records_server.mode = "ok"

    client.post(
        reverse("account_login"),
        {"login": SOPHIE["email"], "password": SOPHIE["password1"]},
    )

    user = User.objects.get()
    assert user.dossier.records_status == RecordsStatus.IMPORTED
    outcomes = [(entry["source"], entry["outcome"]) for entry in imports_of(user)]
    assert outcomes == [("ine", "unavailable"), ("retry", "imported")]
