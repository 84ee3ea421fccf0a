"""Rate limits on the INE (dossier and INE sign-up), document uploads and submissions: per
account and per client address (the one ALLAUTH_TRUSTED_PROXY_COUNT designates, never a
client-written X-Forwarded-For), shared by every process through the cache (Redis), with a
translated message and nothing already saved lost. The limits are lowered per test through
settings.CANDIDATE_RATE_LIMITS, which the views read at each request."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from candidatures.models import Status
from dossiers.ine import ALPHABET_23
from dossiers.models import PersonalInfo
from pieces.models import Piece
from tests.dossiers.test_sections import PERSONAL
from tests.ent.test_ine_signup import SOPHIE
from tests.factories import DossierFactory, PersonalInfoFactory, PieceTypeFactory
from tests.pieces import corpus
from tests.pieces.helpers import application

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
LIMITED_FR = "Vous avez fait cela de nombreuses fois en peu de temps"
LIMITED_EN = "You have done this many times in a short while: please try again in 60 minutes."
NOTHING_LOST_EN = "Nothing you have already saved is lost."


def ine(n: int) -> str:
    """A valid BEA INE (ten digits and their key letter)."""
    body = f"{1_000_000_000 + n:010d}"
    return body + ALPHABET_23[int(body) % 23]


def limits(settings, **rates):
    settings.CANDIDATE_RATE_LIMITS = {
        "dossier_ine": "100/h/user,100/h/ip",
        "piece_upload": "100/h/user,100/h/ip",
        "submit": "100/h/user,100/h/ip",
        **rates,
    }


def post_ine(client, value, **extra):
    return client.post(reverse("dossiers:personal_info_edit"), {**PERSONAL, "ine": value}, **extra)


# --- the INE of a dossier ------------------------------------------------------------------


def test_ine_changes_are_limited_per_account_and_the_form_keeps_what_was_typed(client, settings):
    limits(settings, dossier_ine="3/h/user,100/h/ip")
    PersonalInfoFactory(ine=ine(1))  # another candidate's: the answer that must not be mined
    dossier = DossierFactory()
    client.force_login(dossier.user)

    assert "déjà enregistré dans un autre dossier" in post_ine(client, ine(1)).content.decode()
    assert post_ine(client, ine(2)).status_code == 302
    assert post_ine(client, ine(3)).status_code == 302
    response = post_ine(client, ine(4))

    assert response.status_code == 429
    page = response.content.decode()
    assert LIMITED_FR in page and "60 minutes" in page
    assert "dans un autre dossier" not in page  # no answer about the INE typed
    assert f'value="{ine(4)}"' in page and 'value="Martin"' in page  # nothing typed is lost
    assert PersonalInfo.objects.get(dossier=dossier).ine == ine(3)  # nor anything saved
    # Saving the rest of the page with the INE already there is not an INE check.
    assert post_ine(client, ine(3), **{"HTTP_ACCEPT_LANGUAGE": "en"}).status_code == 302
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        client.force_login(dossier.user)  # the session has timed out meanwhile
        assert post_ine(client, ine(4)).status_code == 302
    assert PersonalInfo.objects.get(dossier=dossier).ine == ine(4)


def test_ine_changes_are_limited_per_address_across_accounts(client, settings):
    limits(settings, dossier_ine="100/h/user,2/h/ip")
    first, second = DossierFactory(), DossierFactory()
    client.force_login(first.user)
    assert post_ine(client, ine(11)).status_code == 302
    assert post_ine(client, ine(12)).status_code == 302
    client.force_login(second.user)
    response = post_ine(client, ine(13), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert LIMITED_EN in response.content.decode()
    # Another address is another budget.
    assert post_ine(client, ine(13), REMOTE_ADDR="192.0.2.50").status_code == 302


def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    limits(settings, dossier_ine="100/h/user,2/h/ip")
    dossiers = [DossierFactory() for _ in range(3)]
    answers = []
    for n, dossier in enumerate(dossiers):
        client.force_login(dossier.user)
        response = post_ine(client, ine(20 + n), HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        answers.append(response.status_code)
    assert answers == [302, 302, 429]


def test_behind_a_trusted_proxy_each_client_address_has_its_budget(client, settings):
    """One proxy (REMOTE_ADDR 10.0.0.1 for everybody) appends the client's address: clients
    are told apart by it, and what a client writes before it changes nothing."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    limits(settings, dossier_ine="100/h/user,2/h/ip")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    def attempt(n, forwarded):
        client.force_login(DossierFactory().user)
        return post_ine(client, ine(30 + n), HTTP_X_FORWARDED_FOR=forwarded, **proxy).status_code

    assert attempt(0, "198.51.100.7") == 302
    assert attempt(1, "6.6.6.6, 198.51.100.7") == 302  # the client wrote 6.6.6.6 itself
    assert attempt(2, "7.7.7.7, 198.51.100.7") == 429  # still 198.51.100.7's third
    assert attempt(3, "198.51.100.8") == 302  # another client behind the same proxy


# --- the INE sign-up (allauth's limit, ACCOUNT_RATE_LIMITS["ine_signup"]) --------------------


@pytest.fixture
def records(settings):
    from tests.ent.conftest import DEMO_RECORDS

    settings.STUDENT_RECORDS_BACKEND = "fixture"
    settings.STUDENT_RECORDS_FIXTURE = str(DEMO_RECORDS)


def test_the_ine_sign_up_is_limited_per_address_whatever_the_ine(english, records, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "ine_signup": "3/h/ip,5/h/key"}
    for n in range(3):
        english.post(reverse("ent:signup_ine"), {**SOPHIE, "ine": ine(40 + n)})
    response = english.post(reverse("ent:signup_ine"), SOPHIE)  # the right INE, too late
    assert "Too many attempts" in response.content.decode()
    assert not User.objects.exists()
    response = english.post(reverse("ent:signup_ine"), SOPHIE, REMOTE_ADDR="192.0.2.60")
    assert response.status_code == 302
    assert User.objects.filter(email=SOPHIE["email"]).exists()


def test_the_ine_sign_up_is_limited_per_ine_whatever_the_address(english, records, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "ine_signup": "50/h/ip,2/h/key"}
    for n in range(2):
        wrong_birth = {**SOPHIE, "birth_date": f"1995-09-0{n + 1}"}
        english.post(reverse("ent:signup_ine"), wrong_birth, REMOTE_ADDR=f"192.0.2.{70 + n}")
    response = english.post(reverse("ent:signup_ine"), SOPHIE, REMOTE_ADDR="192.0.2.79")
    assert "Too many attempts" in response.content.decode()
    assert not User.objects.exists()


# --- uploads -------------------------------------------------------------------------------


@pytest.fixture
def draft(client, media):
    candidature = application(None, PieceTypeFactory(label_en="CV", label_fr="CV"))
    client.force_login(candidature.dossier.user)
    return candidature


def _upload(client, candidature, name, **extra):
    piece_type = candidature.programme.required_pieces.first().piece_type
    url = reverse("pieces:upload", args=[candidature.pk, piece_type.pk])
    pdf = SimpleUploadedFile(name, corpus.pdf(), content_type="application/pdf")
    return client.post(url, {"files": [pdf]}, **extra)


def _stored(settings):
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"]) / "pieces"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_uploads_are_limited_per_account_and_the_saved_document_is_kept(client, draft, settings):
    limits(settings, piece_upload="2/h/user,100/h/ip")
    assert _upload(client, draft, "cv-1.pdf").status_code == 302
    assert _upload(client, draft, "cv-2.pdf").status_code == 302
    kept = Piece.objects.get(candidature=draft)
    stored = _stored(settings)

    response = _upload(client, draft, "cv-3.pdf", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 429
    page = response.content.decode()
    assert LIMITED_EN in page and NOTHING_LOST_EN in page
    assert "cv-2.pdf" in page  # the page still shows the document saved
    piece = Piece.objects.get(candidature=draft)
    assert (piece.file.name, piece.original_name, piece.uploaded_at) == (
        kept.file.name,
        "cv-2.pdf",
        kept.uploaded_at,
    )
    assert _stored(settings) == stored  # nothing new written
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        client.force_login(draft.dossier.user)  # the session has timed out meanwhile
        assert _upload(client, draft, "cv-3.pdf").status_code == 302


def test_uploads_are_limited_per_address_in_french(client, media, settings):
    limits(settings, piece_upload="100/h/user,1/h/ip")
    first = application(None, PieceTypeFactory())
    second = application(None, PieceTypeFactory())
    client.force_login(first.dossier.user)
    assert _upload(client, first, "a.pdf").status_code == 302
    client.force_login(second.dossier.user)
    response = _upload(client, second, "b.pdf")
    assert response.status_code == 429
    assert LIMITED_FR in response.content.decode()
    assert not Piece.objects.filter(candidature=second).exclude(file="").exists()


# --- submissions ---------------------------------------------------------------------------


def test_submissions_are_limited_and_the_429_page_leads_back(
    client, draft, settings, mailoutbox, django_capture_on_commit_callbacks
):
    limits(settings, submit="1/h/user,100/h/ip")
    submit = reverse("pieces:submit", args=[draft.pk])
    client.post(submit)  # refused by the workflow (the CV is missing): counted all the same
    assert _upload(client, draft, "cv.pdf").status_code == 302

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(submit, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many requests" in page and LIMITED_EN in page
    assert reverse("candidatures:detail", args=[draft.pk]) in page
    assert "Back to my application" in page
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and mailoutbox == []
    assert Piece.objects.get(candidature=draft).original_name == "cv.pdf"
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        client.force_login(draft.dossier.user)  # the session has timed out meanwhile
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(submit).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.RECEIVED and len(mailoutbox) == 1


def test_the_sign_in_limit_answers_with_the_translated_429_page(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    for _ in range(2):
        client.post(reverse("account_login"), {"login": "x@example.org", "password": "y" * 12})
    response = client.post(reverse("account_login"), {"login": "x@example.org", "password": "y"})
    assert response.status_code == 429, [t.name for t in response.templates]
    page = response.content.decode()
    assert "Trop de demandes" in page and "Rien de ce que vous avez déjà enregistré" in page


# --- shared by every process ---------------------------------------------------------------

OTHER_PROCESS = """
import sys, django
django.setup()
from types import SimpleNamespace
from django.test import RequestFactory
from ecandidat.ratelimits import rate_limit_consume
request = RequestFactory().post("/", REMOTE_ADDR=sys.argv[2])
request.user = SimpleNamespace(pk=int(sys.argv[1]), is_authenticated=True)
print(" ".join(str(rate_limit_consume(request, action="dossier_ine")) for _ in range(3)))
"""


def _other_process(user_pk, address):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ecandidat.settings",
        "RATE_LIMIT_DOSSIER_INE": "3/h/user,100/h/ip",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, str(user_pk), address],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


@pytest.mark.skipif(
    "redis" not in django_settings.CACHES["default"]["BACKEND"].lower(),
    reason="the cache is this process's memory without REDIS_URL (CI sets it)",
)
def test_the_counts_are_shared_by_every_process_through_redis(client, settings):
    limits(settings, dossier_ine="3/h/user,100/h/ip")
    dossier = DossierFactory()
    client.force_login(dossier.user)
    assert post_ine(client, ine(50)).status_code == 302
    assert post_ine(client, ine(51)).status_code == 302
    # Another process (another gunicorn worker) sees two of three used, from any address.
    assert _other_process(dossier.user.pk, "192.0.2.90") == "True False False"
    assert post_ine(client, ine(52)).status_code == 429
    # And what another process counts is seen here.
    other = DossierFactory()
    assert _other_process(other.user.pk, "192.0.2.91") == "True True True"
    client.force_login(other.user)
    assert post_ine(client, ine(53), REMOTE_ADDR="192.0.2.91").status_code == 429
