"""The demo, tried as a new user would: « Se connecter avec l'ENT » through the development CAS
server (real redirects and ticket validation over HTTP), the dossier pre-filled and the
internal cursus shown; a former student creates an account with the INE and finds the import
after activation."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from dossiers.models import Commune

COMMUNES_FILE = Path(__file__).resolve().parents[2] / "dossiers" / "data" / "communes_toulouse.csv"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
LINK_RE = re.compile(r"http://[^/\s]+(/accounts/confirm-email/[a-z0-9]{64}/)")


@pytest.fixture
def demo_ent(settings, live_server):
    # A transactional test before this one may have flushed the communes the migrations load.
    if not Commune.objects.exists():
        call_command("import_communes", str(COMMUNES_FILE), verbosity=0)
    settings.ENT_DEV_IDP = True
    settings.CAS_SERVER_URL = f"{live_server.url}/dev-cas/"
    settings.STUDENT_RECORDS_BACKEND = "fixture"


def test_a_known_student_signs_in_with_the_ent_and_finds_the_dossier_filled(page, demo_ent):
    page.goto("/")
    page.get_by_role("link", name="Se connecter avec l’ENT").click()
    page.get_by_label("Identifiant ENT").fill("alice.durand")
    page.get_by_label("Mot de passe").fill("demo-ent-2026")
    page.locator("main").get_by_role("button", name="Se connecter").click()
    page.locator("#candidate-number").wait_for()
    assert "Alice" in page.locator("h1").inner_text()

    page.locator("main").get_by_role("link", name="Mon dossier").click()
    assert (
        "pré-rempli depuis le logiciel de scolarité" in page.locator("#records-status").inner_text()
    )
    page.locator("#records-status").get_by_role("link", name="Commencez par votre numéro").click()
    assert page.get_by_label("Nom de naissance").is_disabled()
    assert page.get_by_label("Nom de naissance").input_value() == "Durand"
    page.locator("#id_phone").fill("05 61 50 42 42")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Informations personnelles : enregistré").wait_for()
    assert page.get_by_text("remonté du logiciel de scolarité").count() >= 5

    page.goto("/dossier/internal-cursus/")
    table = page.locator("table").inner_text()
    assert "Licence 3 Psychologie" in table and "Licence 1 Psychologie" in table
    assert "21901234" in page.locator("#from-records").inner_text()


def test_a_former_student_signs_up_with_the_ine_and_finds_the_import(page, demo_ent, mailoutbox):
    page.goto("/")
    page.get_by_role("link", name="Créer un compte avec mon INE").click()
    page.locator("label", has_text="Madame").click()
    page.get_by_label("Nom", exact=True).fill("Moreau")
    page.get_by_label("Prénom").fill("Sophie")
    page.locator("#id_birth_date").fill("1995-09-21")
    page.locator("#id_ine").fill("0611223344A")
    page.locator("#id_email").fill("sophie.moreau@example.org")
    page.locator("#id_email2").fill("sophie.moreau@example.org")
    page.locator("#id_password1").fill("une phrase de passe solide")
    page.locator("#id_password2").fill("une phrase de passe solide")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Confirmer votre adresse électronique").wait_for()

    page.goto(LINK_RE.search(mailoutbox[-1].body).group(1))
    page.get_by_role("button", name="Activer mon compte").click()
    page.get_by_text("Votre compte est activé").wait_for()
    page.locator("#id_login").fill("sophie.moreau@example.org")
    page.locator("#id_password").fill("une phrase de passe solide")
    page.locator("form").get_by_role("button", name="Se connecter").click()
    page.locator("#candidate-number").wait_for()

    page.goto("/dossier/")
    assert (
        "pré-rempli depuis le logiciel de scolarité" in page.locator("#records-status").inner_text()
    )
    user = User.objects.get(email="sophie.moreau@example.org")
    assert user.dossier.internal_cursus.count() == 3
