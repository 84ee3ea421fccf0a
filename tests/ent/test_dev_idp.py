"""The embedded demo's development CAS server: the real protocol, refused in production, and
`manage.py demo` prints its logins and the former student's INE."""

import os
import secrets
import subprocess
import sys

import pytest
import requests
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from dossiers.models import InternalCursus

pytestmark = pytest.mark.django_db


def test_demo_prints_the_ent_logins_and_the_former_students_ine(capsys):
    call_command("demo")
    out = capsys.readouterr().out
    assert "alice.durand / demo-ent-2026" in out and "thomas.petit / demo-ent-2026" in out
    assert "INE 0611223344A, born 1995-09-21" in out


def test_a_known_student_signs_in_through_the_development_cas(live_server, settings):
    """Over real HTTP: the site validates the ticket with its own development CAS server."""
    settings.ENT_DEV_IDP = True
    settings.CAS_SERVER_URL = "/dev-cas/"
    session = requests.Session()
    start = session.get(f"{live_server.url}/accounts/cas/login/", allow_redirects=False, timeout=10)
    assert start.status_code == 302 and "/dev-cas/login?service=" in start.headers["Location"]
    form = session.get(start.headers["Location"], timeout=10)
    assert "alice.durand" in form.text
    wrong = session.post(
        start.headers["Location"],
        data={
            "username": "alice.durand",
            "password": "nope",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        timeout=10,
    )
    assert wrong.status_code == 401

    signed_in = session.post(
        start.headers["Location"],
        data={
            "username": "alice.durand",
            "password": "demo-ent-2026",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        timeout=10,
    )

    assert signed_in.status_code == 200 and "Alice" in signed_in.text
    user = User.objects.get(email="alice.durand@etu.demo.ecandidat.localhost")
    assert InternalCursus.objects.filter(dossier__user=user).count() == 3


def test_its_tickets_are_single_use_and_bound_to_their_service(client, settings):
    settings.ENT_DEV_IDP = True
    service = "http://testserver/accounts/cas/login/?next=%2F"
    login = client.post(
        f"/dev-cas/login?service={service}",
        {"username": "thomas.petit", "password": "demo-ent-2026"},
    )
    ticket = login["Location"].split("ticket=")[1]
    other = client.get("/dev-cas/p3/serviceValidate", {"ticket": ticket, "service": "http://x/"})
    assert b"INVALID_SERVICE" in other.content
    again = client.get("/dev-cas/p3/serviceValidate", {"ticket": ticket, "service": service})
    assert b"INVALID_TICKET" in again.content
    outside = client.get("/dev-cas/login", {"service": "https://evil.example/"})
    assert outside.status_code == 400


def test_it_is_off_unless_enabled(client, settings):
    settings.ENT_DEV_IDP = False
    assert client.get("/dev-cas/login", {"service": "http://testserver/"}).status_code == 404
    assert client.get(reverse("dev_cas_validate")).status_code == 404


def test_production_refuses_it():
    env = {
        **os.environ,
        "ECANDIDAT_ENV": "production",
        "ENT_DEV_IDP": "true",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": "sqlite:///:memory:",
        "ALLOWED_HOSTS": "example.org",
        "SITE_URL": "https://example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "ENT_DEV_IDP" in result.stderr


def test_every_ent_door_opens_before_signing_in_under_deny_by_default(client, settings):
    """With Django's LoginRequiredMiddleware (the security work's deny by default), the ENT
    routes still answer anonymous visitors: they are how one signs in."""
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]
    settings.ENT_DEV_IDP = True
    login = reverse("account_login")
    assert client.get(reverse("ent:cas_login"))["Location"].startswith(settings.CAS_SERVER_URL)
    assert client.get(reverse("ent:signup_ine")).status_code == 200
    assert client.get("/dev-cas/login", {"service": "http://testserver/"}).status_code == 200
    assert client.get(reverse("dev_cas_validate"), {"ticket": "ST-x"}).status_code == 200
    assert client.get(reverse("ent:link"))["Location"] == login  # nothing pending: sign in
    assert client.get(reverse("account_signup")).status_code == 200
