"""CAS sign-in against a real CAS server on loopback: django-cas-ng builds the login redirect
and validates the ticket over HTTP (CAS 3 XML with attributes)."""

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.models import User
from dossiers.models import InternalCursus, PersonalInfo, RecordsStatus
from ent.models import EntIdentity, ImportOutcome
from tests.factories import DEFAULT_PASSWORD, UserFactory

from .helpers import cas_sign_in, imports_of

pytestmark = pytest.mark.django_db


def test_first_sign_in_creates_an_active_account_and_imports_the_records(
    client, cas_server, mailoutbox
):
    response, _ticket = cas_sign_in(client)

    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(email="alice.durand@etu.example.org")
    assert user.activated_at is not None and not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    assert mailoutbox == []  # no activation mail: the ENT vouches for the address
    assert EntIdentity.objects.get(user=user).uid == "alice.durand"
    info = PersonalInfo.objects.get(dossier__user=user)
    assert (info.birth_name, info.first_names, info.ine) == (
        "Durand",
        "Alice, Jeanne",
        "1234567890V",
    )
    assert InternalCursus.objects.filter(dossier__user=user).count() == 3
    assert user.dossier.records_status == RecordsStatus.IMPORTED
    assert user.dossier.student_number == "21901234"
    [entry] = imports_of(user)
    assert (entry["source"], entry["looked_up_by"], entry["outcome"]) == (
        "cas",
        "student_number",
        "imported",
    )
    assert "personal_info.birth_name" in entry["changed"] and entry["actor"] == user.pk
    home = client.get("/")
    assert "Alice" in home.content.decode() and home.context["user"] == user


def test_a_later_sign_in_lands_in_the_same_account_and_reimports(client, cas_server):
    cas_sign_in(client)
    user = User.objects.get()
    client.logout()

    response, _ticket = cas_sign_in(client)

    assert response.status_code == 302
    assert User.objects.count() == 1
    assert int(client.session["_auth_user_id"]) == user.pk
    outcomes = [entry["outcome"] for entry in imports_of(user)]
    assert outcomes == [ImportOutcome.IMPORTED, ImportOutcome.UNCHANGED]


def test_an_email_of_an_existing_account_asks_for_its_password_before_linking(client, cas_server):
    local = UserFactory(email="alice.durand@etu.example.org")

    response, _ticket = cas_sign_in(client)

    # Never signed in by the email alone.
    assert response.status_code == 302 and response["Location"] == reverse("ent:link")
    assert "_auth_user_id" not in client.session
    assert not EntIdentity.objects.exists()
    page = client.get(reverse("ent:link"), HTTP_ACCEPT_LANGUAGE="en")
    assert "alice.durand@etu.example.org" in page.content.decode()
    wrong = client.post(reverse("ent:link"), {"password": "not-the-password"})
    assert "_auth_user_id" not in client.session
    assert (
        "not the password" in wrong.content.decode()
        or "pas le mot de passe" in wrong.content.decode()
    )

    right = client.post(reverse("ent:link"), {"password": DEFAULT_PASSWORD})

    assert right.status_code == 302
    assert int(client.session["_auth_user_id"]) == local.pk
    assert EntIdentity.objects.get().user == local
    client.logout()
    again, _ticket = cas_sign_in(client)
    assert again.status_code == 302 and again["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == local.pk
    assert User.objects.count() == 1


def test_password_proof_is_rate_limited_like_the_sign_in(client, cas_server):
    UserFactory(email="alice.durand@etu.example.org")
    cas_sign_in(client)
    for _ in range(5):
        client.post(reverse("ent:link"), {"password": "wrong-password-here"})

    response = client.post(reverse("ent:link"), {"password": DEFAULT_PASSWORD})

    assert "_auth_user_id" not in client.session
    assert not EntIdentity.objects.exists()
    assert "15" in response.content.decode()


def test_a_forged_ticket_is_refused(client, cas_server):
    service = "http://testserver/accounts/cas/login/?next=%2F"
    response = client.get("/accounts/cas/login/", {"next": "/", "ticket": "ST-forged-by-me"})

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()
    assert cas_server.validations == 1
    assert service  # the ticket was checked with the CAS server, which said no


def test_a_replayed_ticket_is_refused_even_if_the_cas_server_would_accept_it(client, cas_server):
    cas_server.validate_twice = True
    first, ticket_url = cas_sign_in(client)
    assert first.status_code == 302
    client.logout()

    replay = client.get(ticket_url)

    assert replay.status_code == 403
    assert "_auth_user_id" not in client.session


def test_an_expired_ticket_is_refused(client, cas_server):
    cas_server.ticket_seconds = 0.0

    response, _ticket = cas_sign_in(client)

    assert response.status_code == 403
    assert not User.objects.exists()


def test_a_ticket_issued_for_another_service_is_refused(client, cas_server):
    ticket = cas_server.issue("alice.durand", "http://evil.example/login")

    response = client.get("/accounts/cas/login/", {"next": "/", "ticket": ticket})

    assert response.status_code == 403
    assert not User.objects.exists()


@pytest.mark.parametrize("trouble", ["slow", "broken"])
def test_a_cas_server_that_hangs_or_answers_garbage_gets_a_clear_page(english, cas_server, trouble):
    if trouble == "slow":
        cas_server.delay = 2.0  # over ENT_CAS_TIMEOUT
    else:
        cas_server.broken = True

    response, _ticket = cas_sign_in(english)

    assert response.status_code == 502
    assert "did not answer" in response.content.decode()
    assert not User.objects.exists()


def test_no_email_attribute_means_no_account(english, cas_server):
    del cas_server.people["alice.durand"]["mail"]

    response, _ticket = cas_sign_in(english)

    assert response.status_code == 403
    assert "gives no email address" in response.content.decode()
    assert not User.objects.exists()


def test_staff_signing_in_through_the_ent_still_type_their_totp_code(client, cas_server):
    staff = UserFactory(staff=True, email="alice.durand@etu.example.org")
    EntIdentity.objects.create(provider="cas", uid="alice.durand", user=staff)
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})

    response, _ticket = cas_sign_in(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_the_next_page_is_kept_and_an_outside_one_refused(client, cas_server):
    response, _ticket = cas_sign_in(client, next_url="/dossier/")
    assert response["Location"] == "/dossier/"
    client.logout()

    outside, _ticket = cas_sign_in(client, next_url="https://evil.example/")
    assert outside["Location"] == "/"


def test_buttons_show_on_sign_in_and_home_pages_only_when_configured(client, cas_server, settings):
    for url in ("/", reverse("account_login")):
        page = client.get(url).content.decode()
        assert "Se connecter avec l’ENT" in page
        assert reverse("ent:cas_login") in page
    settings.CAS_SERVER_URL = ""
    for url in ("/", reverse("account_login")):
        assert "Se connecter avec l’ENT" not in client.get(url).content.decode()
    assert client.get(reverse("ent:cas_login")).status_code == 404


def test_signing_out_of_a_cas_session_signs_out_of_the_cas_server_too(client, cas_server):
    """Before, only our session ended: at a shared computer the CAS server's own cookie signed
    the next person in as the previous student."""
    cas_sign_in(client)

    response = client.post(reverse("account_logout"))

    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"] == (
        f"{cas_server.url}/cas/logout?service=http%3A%2F%2Ftestserver%2F"
    )
    back = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert cas_server.logouts == ["http://testserver/"]
    assert back.headers["Location"] == "http://testserver/"


def test_signing_out_of_a_password_session_stays_here(client, cas_server):
    user = UserFactory()
    client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    assert int(client.session["_auth_user_id"]) == user.pk

    response = client.post(reverse("account_logout"))

    assert response["Location"] == "/"
    assert cas_server.logouts == []


def test_with_the_cache_away_a_ticket_is_not_taken_unchecked(client, cas_server, monkeypatch):
    """The replay check lives in the cache; when Redis is away it used to pass (the tolerant
    cache's add says True), so a replayed ticket was only refused by the CAS server itself."""
    from ecandidat.cache import TolerantRedisCache
    from ent import casauth

    away = TolerantRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 1}})
    monkeypatch.setattr(casauth, "cache", away)
    response, _ticket = cas_sign_in(client)

    assert response.status_code != 302
    assert "_auth_user_id" not in client.session
    assert cas_server.validations == 0
