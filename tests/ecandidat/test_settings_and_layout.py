"""Production settings refuse to start without secrets and pass `check --deploy`; the layout is
French by default, English on request, with skip links and the institution's name."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "ECANDIDAT_ENV": "production",
    "SECRET_KEY": "k3y-" + "9f8e7d6c5b4a" * 5,
    "DATABASE_URL": "sqlite:////tmp/ecandidat-deploy-check.sqlite3",
    "ALLOWED_HOSTS": "candidatures.example.org",
    "SITE_URL": "https://candidatures.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/9",
    "EMAIL_URL": "smtp://mail.example.org:587",
}


def run_manage(*args, env):
    ignored = {*PRODUCTION_ENV, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in ignored}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "SITE_URL"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


@pytest.mark.django_db
def test_french_is_the_default_and_english_is_available(client, settings):
    settings.INSTITUTION_NAME = "Université de Démonstration"
    french = client.get("/").content.decode()
    assert 'lang="fr"' in french
    assert "Créer un compte" in french
    assert "Université de Démonstration" in french
    assert 'href="#content"' in french
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in english
    assert "Create an account" in english


@pytest.mark.django_db
def test_language_switch_sets_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Create an account" in client.get("/").content.decode()


@pytest.mark.django_db
def test_dsfr_assets_are_served_locally(client):
    body = client.get("/").content.decode()
    assert "/static/dsfr/dist/dsfr/dsfr.min.css" in body
    assert "cdn" not in body.lower()


@pytest.mark.django_db
class TestStaffMfa:
    def test_staff_without_totp_cannot_use_the_admin_when_required(self, client, settings):
        settings.STAFF_MFA_REQUIRED = True
        staff = UserFactory(staff=True)
        client.force_login(staff)
        response = client.get("/admin/", follow=True)
        assert reverse("mfa_activate_totp") in [url for url, _ in response.redirect_chain]
        assert response.status_code == 200

    def test_staff_with_totp_reaches_the_admin(self, client, settings):
        settings.STAFF_MFA_REQUIRED = True
        staff = UserFactory(staff=True)
        Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
        client.force_login(staff)
        assert client.get("/admin/").status_code == 200

    def test_the_embedded_demo_leaves_mfa_off(self, client, settings):
        settings.STAFF_MFA_REQUIRED = False
        client.force_login(UserFactory(staff=True))
        assert client.get("/admin/").status_code == 200

    def test_admin_login_goes_through_the_rate_limited_sign_in(self, client):
        response = client.get("/admin/login/?next=/admin/")
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))

    def test_candidates_never_reach_the_admin(self, client):
        client.force_login(UserFactory())
        response = client.get("/admin/", follow=True)
        assert response.redirect_chain[-1][0] == reverse("home")
        assert "administration" in response.content.decode()


def test_every_catalogue_is_fully_translated_in_french():
    """French is the default: an English msgid left untranslated shows in English."""
    from babel.messages.pofile import read_po

    untranslated = {}
    for po_path in ROOT.glob("**/locale/fr/LC_MESSAGES/django.po"):
        if ".venv" in po_path.parts:
            continue
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file, locale="fr")
        missing = [m.id for m in catalogue if m.id and (not m.string or m.fuzzy)]
        if missing:
            untranslated[str(po_path.relative_to(ROOT))] = missing
    assert untranslated == {}
