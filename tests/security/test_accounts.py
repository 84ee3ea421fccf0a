"""Account defences the outside probe found missing: equal work whether an account exists,
the failure counter cleared by the right password, per-client rate limits behind a trusted
proxy count, and production refusing a short SECRET_KEY."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, SIGNUP_FORM, UserFactory

from . import hashers

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def counted(settings):
    settings.PASSWORD_HASHERS = ["tests.security.hashers.CountingHasher"]

    def hashes(send):
        hashers.COMPUTED.clear()
        send()
        return len(hashers.COMPUTED)

    return hashes


def login(client, value, password):
    return client.post(reverse("account_login"), {"login": value, "password": password})


def test_a_wrong_password_costs_one_hash_whether_the_account_exists_or_not(client, counted):
    """The response time followed the number of hashes: 3 for an existing address, 2 for an
    unknown one (about 0.25 s apart here, see docs/security.md)."""
    user = UserFactory()
    user.password = "md5$salt$" + "0" * 32  # the counting hasher's format
    user.save()
    costs = {
        "existing email": counted(lambda: login(client, user.email, "wrong-password-1")),
        "unknown email": counted(lambda: login(client, "nobody@example.org", "wrong-password-1")),
        "existing number": counted(lambda: login(client, user.candidate_number, "wrong-pass-1")),
        "unknown number": counted(lambda: login(client, "00000000", "wrong-password-1")),
    }
    assert costs == dict.fromkeys(costs, 1)


def test_signup_costs_the_same_hashes_for_a_known_and_a_new_address(
    client, counted, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="known@example.org")

    def signup(email):
        client.logout()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("account_signup"), {**SIGNUP_FORM, "email": email, "email2": email})

    known = counted(lambda: signup("known@example.org"))
    new = counted(lambda: signup("new@example.org"))
    assert known == new >= 1
    # Both paths queue a mail: the owner of the known address hears of the attempt.
    assert sorted(m.to[0] for m in mailoutbox) == ["known@example.org", "new@example.org"]


def test_the_right_password_clears_the_account_failure_count(client):
    user = UserFactory()
    for _ in range(4):
        login(client, user.email, "wrong-password-123")
    login(client, user.email, DEFAULT_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    for _ in range(4):
        login(client, user.candidate_number, "wrong-password-123")
    login(client, user.email, DEFAULT_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_count_still_locks_a_guesser_after_five_failures(client):
    user = UserFactory()
    for _ in range(5):
        login(client, user.email, "wrong-password-123")
    response = login(client, user.email, DEFAULT_PASSWORD)
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors


def test_signing_in_to_ones_own_account_does_not_reset_the_address_budget(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed": "4/m/ip,5/900s/key",
    }
    mine, victims = UserFactory(), UserFactory.create_batch(3)
    for victim in victims:
        login(client, victim.email, "guess-password-1")
    login(client, mine.email, DEFAULT_PASSWORD)
    assert client.session["_auth_user_id"] == str(mine.pk)
    client.logout()
    login(client, victims[0].email, "guess-password-2")  # the address's fourth failure
    login(client, victims[1].email, DEFAULT_PASSWORD)
    assert "_auth_user_id" not in client.session


class TestTrustedProxyCount:
    def signup(self, client, forwarded_for):
        return client.post(
            reverse("account_signup"), {"email": "x"}, HTTP_X_FORWARDED_FOR=forwarded_for
        )

    def test_behind_one_proxy_each_client_has_its_own_bucket(self, client, settings):
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
        for _ in range(2):
            assert self.signup(client, "203.0.113.7").status_code == 200
        assert self.signup(client, "203.0.113.7").status_code == 429
        assert self.signup(client, "198.51.100.9").status_code == 200
        # What the client wrote before the proxy's own entry changes nothing.
        assert self.signup(client, "10.9.9.9, 203.0.113.7").status_code == 429

    def test_without_a_proxy_a_forged_header_does_not_open_a_new_bucket(self, client, settings):
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
        for _ in range(2):
            self.signup(client, "203.0.113.7")
        assert self.signup(client, "198.51.100.9").status_code == 429

    def test_a_request_that_skipped_the_proxy_is_counted_not_a_500(self, client, settings):
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
        client.raise_request_exception = False
        assert self.signup(client, "203.0.113.7").status_code == 200


def run_python(code, **env):
    ignored = {"ECANDIDAT_ENV", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in ignored}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "ecandidat.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


PRINT_SETTING = (
    "import django; django.setup(); from django.conf import settings; print(settings.{})"
)


def test_the_trusted_proxy_count_comes_from_the_environment():
    result = run_python(
        PRINT_SETTING.format("ALLAUTH_TRUSTED_PROXY_COUNT"), ALLAUTH_TRUSTED_PROXY_COUNT="2"
    )
    assert result.stdout.strip() == "2", result.stderr
    assert run_python(PRINT_SETTING.format("ALLAUTH_TRUSTED_PROXY_COUNT")).stdout.strip() == "0"


PRODUCTION = {
    "ECANDIDAT_ENV": "production",
    "DATABASE_URL": "sqlite:////tmp/ecandidat-secret-check.sqlite3",
    "ALLOWED_HOSTS": "candidatures.example.org",
    "SITE_URL": "https://candidatures.example.org",
}


@pytest.mark.parametrize(
    "key",
    [
        "short-key-of-thirty-characters",
        "a" * 64,  # long but one character
        "django-insecure-" + "k3y9f8e7d6c5b4a" * 4,  # Django's startproject placeholder
        "change-me-to-a-long-random-string-of-50-characters-or-more",  # .env.example's
    ],
)
def test_production_refuses_a_weak_secret_key(key):
    result = run_python(PRINT_SETTING.format("DEBUG"), SECRET_KEY=key, **PRODUCTION)
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 random characters" in result.stderr


def test_production_starts_with_a_strong_secret_key():
    key = "k3y-" + "9f8e7d6c5b4a" * 5
    result = run_python(PRINT_SETTING.format("DEBUG"), SECRET_KEY=key, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
