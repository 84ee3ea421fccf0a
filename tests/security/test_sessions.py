"""Sessions and cookies: idle and absolute timeouts, and the production cookie flags
(Secure, HttpOnly, SameSite, the __Host- prefix)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import DEFAULT_PASSWORD, UserFactory

from .test_accounts import PRINT_SETTING, PRODUCTION, run_python

pytestmark = pytest.mark.django_db
START = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))


def sign_in(client, user):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert client.session["_auth_user_id"] == str(user.pk)
    return response


def test_a_session_left_idle_past_the_timeout_is_signed_out(client, settings):
    settings.SESSION_IDLE_TIMEOUT = 3600
    user = UserFactory()
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, user)
        clock.shift(datetime.timedelta(minutes=59))
        assert client.get(reverse("candidatures:dashboard")).status_code == 200
        clock.shift(datetime.timedelta(minutes=59))  # 59 min after the last request: still in
        assert client.get(reverse("candidatures:dashboard")).status_code == 200
        clock.shift(datetime.timedelta(minutes=61))
        response = client.get(reverse("candidatures:dashboard"), follow=True)
    assert "_auth_user_id" not in client.session
    assert response.redirect_chain[0][0] == f"{reverse('account_login')}?next=/candidatures/"
    assert "Votre session a expiré : reconnectez-vous." in response.content.decode()


def test_an_active_session_ends_at_the_absolute_timeout(client, settings):
    settings.SESSION_IDLE_TIMEOUT = 3600
    settings.SESSION_ABSOLUTE_TIMEOUT = 12 * 3600
    user = UserFactory()
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, user)
        for _ in range(14):  # a request every 50 minutes: never idle
            clock.shift(datetime.timedelta(minutes=50))
            client.get(reverse("candidatures:dashboard"))
        assert client.session.get("_auth_user_id") == str(user.pk)  # 11 h 40 min
        clock.shift(datetime.timedelta(minutes=50))
        response = client.get(reverse("candidatures:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_signing_in_again_starts_a_new_session(client, settings):
    settings.SESSION_IDLE_TIMEOUT = 3600
    user = UserFactory()
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, user)
        clock.shift(datetime.timedelta(hours=2))
        client.get(reverse("candidatures:dashboard"))
        sign_in(client, user)
        assert client.get(reverse("candidatures:dashboard")).status_code == 200


def test_production_cookies_are_secure_httponly_samesite_and_host_prefixed():
    names = (
        "SESSION_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_NAME",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SAMESITE",
        "SECURE_HSTS_SECONDS",
    )
    code = PRINT_SETTING.format("SESSION_COOKIE_NAME").rsplit(";", 1)[0]
    code += "; print(" + ", ".join(f"settings.{name}" for name in names) + ")"
    result = run_python(code, SECRET_KEY="k3y-" + "9f8e7d6c5b4a" * 5, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "__Host-sessionid",
        "True",
        "True",
        "Lax",
        "__Host-csrftoken",
        "True",
        "True",
        "Lax",
        "31536000",
    ]


def test_the_cookies_a_sign_in_sets_carry_those_flags(client, settings):
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client.get(reverse("account_login"))
    response = sign_in(client, UserFactory())
    for name in ("__Host-sessionid", "__Host-csrftoken"):
        cookie = response.cookies[name]
        assert cookie["secure"] and cookie["httponly"], name
        assert cookie["samesite"] == "Lax" and cookie["path"] == "/" and not cookie["domain"], name
