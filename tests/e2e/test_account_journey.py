"""A new candidate, as a person would: sign up, find the link, activate, sign in twice."""

import re
from pathlib import Path

import pytest

from accounts.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
LINK_RE = re.compile(r"http://[^/\s]+(/accounts/confirm-email/[a-z0-9]{64}/)")
PASSWORD = "un-mot-de-passe-solide"


def test_new_candidate_signs_up_activates_and_signs_in(page, mailoutbox, tmp_path):
    page.goto("/")
    page.get_by_role("link", name="Créer un compte").first.click()
    # DSFR draws the radio on the label and hides the input itself: a person clicks the label.
    page.locator("label", has_text="Madame").click()
    assert page.get_by_label("Madame").is_checked()
    page.get_by_label("Nom", exact=True).fill("Lefèvre")
    page.get_by_label("Prénom").fill("Inès")
    page.get_by_label("Date de naissance").fill("2000-09-14")
    page.locator("#id_email").fill("ines.lefevre@example.org")
    page.locator("#id_email2").fill("ines.lefevre@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Confirmer votre adresse électronique").wait_for()
    assert "48 heures" in page.content()

    path = LINK_RE.search(mailoutbox[-1].body).group(1)
    page.goto(path)
    page.get_by_role("button", name="Activer mon compte").click()
    page.get_by_text("Votre compte est activé").wait_for()

    number = User.objects.get(email="ines.lefevre@example.org").candidate_number
    page.locator("#id_login").fill(number)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form").get_by_role("button", name="Se connecter").click()
    page.locator("#candidate-number").wait_for()
    assert number in page.locator("#candidate-number").inner_text()
    page.screenshot(path=str(Path(tmp_path) / "signed-in.png"), full_page=True)

    page.get_by_role("button", name="Se déconnecter").click()
    page.goto("/accounts/login/")
    page.locator("#id_login").fill("INES.LEFEVRE@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form").get_by_role("button", name="Se connecter").click()
    assert number in page.locator("#candidate-number").inner_text()


def test_signup_errors_are_listed_and_typed_values_kept(page):
    page.goto("/accounts/signup/")
    page.get_by_label("Nom", exact=True).fill("Lefèvre")
    page.locator("#id_email").fill("ines@example.org")
    page.locator("#id_email2").fill("autre@example.org")
    page.get_by_role("button", name="Enregistrer").click()
    summary = page.locator("#form-errors")
    summary.wait_for()
    assert "Veuillez corriger" in summary.inner_text()
    assert page.get_by_label("Nom", exact=True).input_value() == "Lefèvre"
    assert not User.objects.exists()
