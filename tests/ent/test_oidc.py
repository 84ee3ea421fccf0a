"""OpenID Connect sign-in against a real provider on loopback (discovery, authorization code
with state, nonce and PKCE, token exchange, RS256 ID token checked against the published keys):
allauth's openid_connect provider runs its own code."""

import base64
import hashlib
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.models import User
from dossiers.models import InternalCursus
from tests.factories import DEFAULT_PASSWORD, UserFactory

from .helpers import imports_of, oidc_sign_in

pytestmark = pytest.mark.django_db


def test_first_sign_in_creates_the_account_with_state_nonce_and_pkce(client, oidc_provider):
    response = oidc_sign_in(client)

    assert response.status_code == 302, response.content[:300]
    user = User.objects.get(email="alice.durand@etu.example.org")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert user.activated_at is not None
    assert SocialAccount.objects.get(user=user).uid == "f3c1a2b4-alice"
    # What the provider received: a state, a nonce, an S256 challenge matching the verifier.
    authorize = oidc_provider.authorize_requests[-1]
    token = oidc_provider.token_requests[-1]
    assert authorize["state"] and len(authorize["nonce"]) >= 32
    assert authorize["code_challenge_method"] == "S256"
    digest = hashlib.sha256(token["code_verifier"].encode()).digest()
    assert authorize["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert InternalCursus.objects.filter(dossier__user=user).count() == 3
    assert [entry["source"] for entry in imports_of(user)] == ["oidc"]


def test_a_later_sign_in_lands_in_the_same_account(client, oidc_provider):
    oidc_sign_in(client)
    client.logout()
    oidc_provider.person["email"] = "alice.new-address@etu.example.org"  # the email may change

    response = oidc_sign_in(client)

    assert response.status_code == 302
    assert User.objects.count() == 1
    assert int(client.session["_auth_user_id"]) == User.objects.get().pk


@pytest.mark.parametrize(
    "tamper",
    [
        {"aud": "another-client"},
        {"iss": "http://127.0.0.1:1/not-the-issuer"},
        {"nonce": "not-the-nonce-we-sent"},
        {"nonce": None},
        {"exp": int(time.time()) - 3600},
        {"_other_key": True},
        {"_no_id_token": True},
    ],
    ids=["audience", "issuer", "nonce", "no-nonce", "expired", "bad-signature", "no-id-token"],
)
def test_a_bad_id_token_is_refused(english, oidc_provider, tamper):
    oidc_provider.tamper = tamper

    response = oidc_sign_in(english)

    assert response.status_code == 403
    assert "did not confirm your identity" in response.content.decode()
    assert "_auth_user_id" not in english.session
    assert not User.objects.exists()


def test_a_callback_with_a_forged_state_is_refused(client, oidc_provider):
    client.post("/accounts/oidc/ent/login/")

    response = client.get("/accounts/oidc/ent/login/callback/", {"code": "x", "state": "forged"})

    assert response.status_code == 403
    assert not User.objects.exists()
    assert oidc_provider.token_requests == []


def test_an_existing_email_is_linked_only_after_the_password(client, oidc_provider):
    local = UserFactory(email="alice.durand@etu.example.org")

    response = oidc_sign_in(client)

    assert response["Location"] == reverse("ent:link")
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()
    linked = client.post(reverse("ent:link"), {"password": DEFAULT_PASSWORD})
    assert linked.status_code == 302
    assert SocialAccount.objects.get().user == local
    client.logout()
    assert oidc_sign_in(client).status_code == 302
    assert int(client.session["_auth_user_id"]) == local.pk
    assert User.objects.count() == 1


def test_the_button_posts_to_the_provider_when_configured(client, oidc_provider):
    page = client.get(reverse("account_login")).content.decode()
    assert 'action="/accounts/oidc/ent/login/"' in page
    assert "Se connecter avec l’ENT" in page


def test_signing_out_of_an_oidc_session_signs_out_of_the_provider_too(client, oidc_provider):
    """Before, only our session ended: at a shared computer the provider's own session signed
    the next person in as the previous student."""
    oidc_sign_in(client)

    response = client.post(reverse("account_logout"))

    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{oidc_provider.url}/logout"
    assert parse_qs(location.query) == {
        "realm": ["students"],  # the endpoint's own query is kept
        "id_token_hint": [oidc_provider.issued_id_tokens[-1]],
        "client_id": [oidc_provider.client_id],
        "post_logout_redirect_uri": ["http://testserver/"],
    }
    back = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert len(oidc_provider.logouts) == 1
    assert back.headers["Location"] == "http://testserver/"


def test_signing_out_of_a_password_session_stays_here_with_oidc(client, oidc_provider):
    """Even when the same browser went through the provider first without being signed in by
    it (its email is an account's: the link page asks for the password), then signed in with
    the password on the sign-in page."""
    user = UserFactory(email="alice.durand@etu.example.org")
    assert oidc_sign_in(client)["Location"] == reverse("ent:link")
    client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    assert int(client.session["_auth_user_id"]) == user.pk

    response = client.post(reverse("account_logout"))

    assert response["Location"] == "/"
    assert oidc_provider.logouts == []


def test_a_provider_without_an_end_session_endpoint_signs_out_only_here(client, oidc_provider):
    oidc_provider.tamper["_no_end_session"] = True
    oidc_sign_in(client)

    response = client.post(reverse("account_logout"))

    assert "_auth_user_id" not in client.session
    assert response["Location"] == "/"
