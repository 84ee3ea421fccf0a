"""Issue 13, the layout every page shares: one spelling of the platform's name, and French
that reads as French around the institution's name."""

import re

import pytest

pytestmark = pytest.mark.django_db


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


@pytest.mark.parametrize("language", ["fr", "en"])
def test_one_spelling_of_the_platform_name(client, language):
    """Defect 5: « ecandidat » and « eCandidat » side by side."""
    page = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    text = visible_text(page)
    assert "eCandidat" in text
    assert "ecandidat" not in text
    assert "ecandidat" not in re.search(r"<title>(.*?)</title>", page, re.S).group(1)


def test_french_around_the_institution_name(client, settings):
    """Defect 5: « de Université Toulouse Jean Jaurès » (the name has no article of its own);
    « que ecandidat »."""
    text = visible_text(client.get("/").content.decode())
    assert "de Université" not in text
    assert "de l'établissement Université Toulouse Jean Jaurès" in text


def test_messages_page_elides_before_the_name(client):
    from django.urls import reverse

    from tests.factories import UserFactory

    client.force_login(UserFactory())
    text = visible_text(client.get(reverse("notifications:message_list")).content.decode())
    assert "qu'eCandidat vous a envoyés" in text and "que ecandidat" not in text


@pytest.mark.parametrize(
    ("language", "title", "status"),
    [
        ("fr", "Déclaration d'accessibilité", "Accessibilité : non conforme"),
        ("en", "Accessibility statement", "Accessibility: not compliant"),
    ],
)
def test_accessibility_statement_is_linked_from_every_footer(client, language, title, status):
    """The RGAA statement: public, linked from the footer with the compliance status, saying
    what is checked, how, the result, and how to report a problem."""
    from django.conf import settings
    from django.urls import reverse

    home = visible_text(client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode())
    assert status in home
    response = client.get(reverse("accessibility"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{reverse("accessibility")}"' in page
    text = visible_text(page)
    assert title in text
    assert "axe-core" in text and "320" in text and "Tab" in text
    assert settings.SUPPORT_EMAIL in text
    assert "Défenseur des droits" in text


def test_the_statement_stays_public_under_deny_by_default(client, settings):
    from django.urls import reverse

    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]
    assert client.get(reverse("accessibility")).status_code == 200
    assert client.get(reverse("dossiers:overview")).status_code == 302  # the check is real
