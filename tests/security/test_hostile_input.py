"""Input no page expects still gets a clear answer, never a server error: NUL bytes in a query
parameter, a login of 100,000 characters (on PostgreSQL and on the embedded SQLite)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "query",
    ["q=a%00b", "q=%00", "page=1%00", "a%00b=1", "next=/%00", "q=ok&q=%00"],
)
@pytest.mark.parametrize("signed_in", [False, True])
def test_a_nul_byte_in_a_query_parameter_gets_the_400_page(client, query, signed_in):
    ProgrammeFactory(title="Master Histoire")
    client.raise_request_exception = False
    if signed_in:
        client.force_login(UserFactory())
    response = client.get(f"{reverse('candidatures:offer')}?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Requête incomprise" in page
    assert "rien de ce que vous aviez enregistré n'est perdu" in page


def test_the_400_page_is_in_english_on_request(english):
    english.raise_request_exception = False
    response = english.get("/messages/?page=%00")
    assert response.status_code == 400
    assert "Request not understood" in response.content.decode()


def test_the_offer_search_still_works_without_nul(client):
    ProgrammeFactory(title="Master Histoire")
    response = client.get(reverse("candidatures:offer"), {"q": "Histoire"})
    assert response.status_code == 200
    assert "Master Histoire" in response.content.decode()


def test_a_huge_login_gets_a_form_error_and_no_lookup(client, django_assert_max_num_queries):
    UserFactory(email="camille@example.org")
    with django_assert_max_num_queries(3):  # session and rate-limit bookkeeping, no user lookup
        response = client.post(
            reverse("account_login"), {"login": "a" * 100_000, "password": "x" * 20}
        )
    assert response.status_code == 200
    errors = response.context["form"].errors["login"]
    assert errors == [
        "Assurez-vous que cette valeur comporte au plus 254 caractères (actuellement 100000)."
    ]


SQLITE_SCRIPT = """
import django
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
from accounts.models import User
User.objects.create_user(email="camille@example.org", password="x" * 20, candidate_number="A1")
client = Client(raise_request_exception=False)
for login in ["a" * 100_000, "a" * 100_000 + "@example.org"]:
    response = client.post("/accounts/login/", {"login": login, "password": "x" * 20})
    print(response.status_code, "au plus 254" in response.content.decode())
"""


def test_a_huge_login_on_the_embedded_sqlite_is_a_form_error_not_a_500(tmp_path):
    """SQLite refuses a LIKE pattern over 50,000 bytes ("LIKE or GLOB pattern too complex"):
    the real embedded set-up, in its own process and database file."""
    ignored = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "ECANDIDAT_ENV", "DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in ignored}
    env.update(
        DJANGO_SETTINGS_MODULE="ecandidat.settings",
        ECANDIDAT_VAR_DIR=str(tmp_path),
        PASSWORD_HASHERS="django.contrib.auth.hashers.MD5PasswordHasher",
        PYTHONPATH=str(ROOT),
    )
    result = subprocess.run(
        [sys.executable, "-c", SQLITE_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split("\n")[:2] == ["200 True", "200 True"], result.stderr[-3000:]
