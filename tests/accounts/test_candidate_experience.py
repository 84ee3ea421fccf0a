"""Issue 13, account side: what a candidate saw wrong on the sign-up, sign-in and email pages,
and the language their mails go out in."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

from .test_signup_activation import SIGNUP

pytestmark = pytest.mark.django_db

RADIO_GROUP = re.compile(r'<div class="fr-radio-group">\s*(<[a-z]+)')


def test_each_radio_is_drawn_by_one_radio_group(client):
    """Defect 1: the DSFR renderer's own fr-radio-group nested in ours left the circle undrawn.
    Each group must hold the input itself, then its label."""
    page = client.get(reverse("account_signup")).content.decode()
    groups = RADIO_GROUP.findall(page)
    assert groups == ["<input", "<input"]  # Madame, Monsieur
    assert page.count('class="fr-radio-group') == 2


def test_a_radio_error_links_to_the_choices(client):
    page = client.post(reverse("account_signup"), {**SIGNUP, "civility": ""}).content.decode()
    assert '<a href="#id_civility">Civilité</a>' in page
    assert 'id="id_civility"' in page


def test_email_page_shows_the_address_and_a_styled_field(client):
    """Defect 2: the « Changer pour » input had no DSFR class (invisible), the address was cut
    off in a disabled input, a second label appeared after a change request."""
    user = UserFactory(email="camille.martin-longue-adresse@universite.example.org")
    client.force_login(user)
    page = client.get(reverse("account_email")).content.decode()
    assert re.search(r'<input type="email" name="email"[^>]*class="fr-input"', page)
    assert (
        '<p class="fr-text--lg fr-text--bold account-email" id="current-email">'
        "camille.martin-longue-adresse@universite.example.org</p>"
    ) in page
    assert 'for="id_email"' in page and page.count("<label") == 1

    client.post(reverse("account_email"), {"action_add": "", "email": "nouvelle@example.org"})
    page = client.get(reverse("account_email")).content.decode()
    assert page.count("<label") == 1
    assert "Changement en attente de confirmation" in page
    assert '<strong class="account-email">nouvelle@example.org</strong>' in page
    assert "Renvoyer le lien" in page and "Annuler le changement" in page


def test_cancelling_a_pending_change_keeps_the_current_address(client):
    user = UserFactory(email="avant@example.org")
    client.force_login(user)
    client.post(reverse("account_email"), {"action_add": "", "email": "apres@example.org"})
    client.post(reverse("account_email"), {"action_remove": "", "email": "apres@example.org"})
    assert not EmailAddress.objects.filter(email="apres@example.org").exists()
    assert User.objects.get(pk=user.pk).email == "avant@example.org"


def test_sign_in_error_names_what_one_types(client):
    """Defect 5: « Le pseudo et/ou le mot de passe » — there is no pseudo here."""
    user = UserFactory()
    page = client.post(
        reverse("account_login"), {"login": user.email, "password": "wrong"}
    ).content.decode()
    assert "pseudo" not in page
    assert "L&#x27;adresse électronique (ou le numéro de candidat) ou le mot de passe" in page


def test_sign_up_labels_the_two_addresses_alike(client):
    """Defect 5: « Courriel » beside « E-mail (confirmation) »."""
    page = client.get(reverse("account_signup")).content.decode()
    assert "Courriel" not in page and "E-mail" not in page
    assert re.search(r'for="id_email">\s*Adresse électronique\s*<', page)
    assert re.search(r'for="id_email2">\s*Adresse électronique \(confirmation\)\s*<', page)


def test_signing_in_before_activation_says_so_and_offers_the_link(client, mailoutbox):
    """Defect 6: the page after sign-in did not say the account was not activated yet."""
    user = UserFactory(unactivated=True)
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}, follow=True
    )
    page = response.content.decode()
    assert "Votre compte n'est pas encore activé" in page
    assert reverse("account_resend_activation") in page
    assert mailoutbox and mailoutbox[-1].to == [user.email]  # the link, sent again


def test_the_page_after_sign_up_does_not_say_not_activated(client):
    response = client.post(reverse("account_signup"), SIGNUP, follow=True)
    page = response.content.decode()
    assert "Confirmer votre adresse électronique" in page
    assert "pas encore activé" not in page


@pytest.mark.parametrize(
    ("last_name", "shown"),
    [
        ("Jeanne, <script>alert(1)</script>", "« &lt; », « &gt; », « ( », « 1 », « ) », « / »"),
        ("Durand\u202e", "U+202E"),
        ("Du\x07rand", "U+0007"),
        ("Du\u200brand", "U+200B"),
    ],
)
def test_sign_up_refuses_characters_no_name_contains(client, last_name, shown):
    """Defect 10: « Jeanne, <script>… » was stored as typed."""
    response = client.post(reverse("account_signup"), {**SIGNUP, "last_name": last_name})
    page = response.content.decode()
    assert not User.objects.exists()
    assert f"Retirez : {shown}." in page


@pytest.mark.parametrize("name", ["N'Diaye-Lefèvre", "O’Brien", "de la Tour d'Auvergne", "Ngô"])
def test_real_names_pass(client, name):
    client.post(reverse("account_signup"), {**SIGNUP, "last_name": name, "first_name": "Zoé"})
    assert User.objects.get().last_name == name


def test_the_language_last_used_is_remembered_for_later_mails(client):
    """Defect 8: mails sent later (by workers) go in the language the candidate last used."""
    user = UserFactory(language="fr")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.get("/")
    assert User.objects.get(pk=user.pk).language == "en"
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    client.get("/")
    assert User.objects.get(pk=user.pk).language == "fr"


def test_a_reset_asked_from_an_english_page_arrives_in_english(client, mailoutbox):
    """Defect 8: a password reset requested from an English page arrived in French."""
    user = UserFactory(language="fr")
    client.post(reverse("account_reset_password"), {"email": user.email}, HTTP_ACCEPT_LANGUAGE="en")
    assert mailoutbox[-1].to == [user.email]
    assert "Reset your password" in mailoutbox[-1].subject
    # Someone else may have asked: the stored preference is not changed by it.
    assert User.objects.get(pk=user.pk).language == "fr"
