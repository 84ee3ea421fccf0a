"""OpenID Connect sign-in through allauth's ``openid_connect`` provider.

allauth brings discovery, the state, PKCE, the code exchange and the ID token's issuer,
audience and expiry checks. Added here:

- a ``nonce`` sent with every authorization request and required back in the ID token
  (``EntOpenIDConnectProvider.redirect``, ``EntOIDCAdapter``);
- the ID token's signature always checked against the provider's published keys (allauth skips
  it when the token came straight from the token endpoint over TLS; checking costs one request
  and does not depend on the deployment's TLS set-up);
- signing out of a session opened through the provider signs out of the provider too, when it
  publishes an ``end_session_endpoint`` (RP-initiated logout: the ID token as hint, coming
  back here), as the CAS sign-in does: otherwise the next person at a shared computer would
  be signed in again by the provider's session (``oidc_logout_url``);
- accounts: linked by the provider's ``sub``, never by email; an unknown identity whose email
  is an existing account's is sent to prove that account's password first
  (``SocialAccountAdapter.pre_social_login``); new accounts are active at once (the ENT vouches
  for the address) and get their student records imported.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect

from accounts.models import User
from accounts.services import account_vouch

from .casauth import PENDING_LINK_SESSION_KEY, failure_page
from .services import claims_from_attributes, records_import_queue

PROVIDER = "oidc"
# What signing out of the provider needs, kept from the sign-in: its end-session endpoint, the
# ID token (the hint) and our client id. Used only while allauth's record of how this session
# was authenticated names the provider.
LOGOUT_SESSION_KEY = "ent_oidc_logout"


def oidc_enabled() -> bool:
    return bool(settings.ENT_OIDC_SERVER_URL)


def claims_of(sociallogin):
    data = sociallogin.account.extra_data or {}
    attributes = {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}
    return claims_from_attributes(
        provider=PROVIDER, uid=sociallogin.account.uid, attributes=attributes
    )


class EntOIDCAdapter(OpenIDConnectOAuth2Adapter):
    """Checks the ID token's signature, and its nonce against the one sent."""

    expected_nonce: str | None = None

    def _decode_id_token(self, app, id_token):
        data = jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )
        if not self.expected_nonce or not secrets.compare_digest(
            str(data.get("nonce", "")), self.expected_nonce
        ):
            raise OAuth2Error("ID token nonce does not match")
        return data

    def complete_login(self, request, app, token, **kwargs):
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            # Without an ID token nothing carries the nonce, the issuer or the audience.
            raise OAuth2Error("no ID token in the token response")
        login = super().complete_login(request, app, token, **kwargs)
        request.session[LOGOUT_SESSION_KEY] = {
            "endpoint": self.openid_config.get("end_session_endpoint") or "",
            "id_token": id_token,
            "client_id": app.client_id,
            "provider": app.provider_id,
        }
        return login


def oidc_logout_url(request, redirect_url: str) -> str | None:
    """The provider's end-session URL, coming back to ``redirect_url``, when this session was
    opened through the provider and it publishes one; None otherwise."""
    kept = request.session.get(LOGOUT_SESSION_KEY)
    if not oidc_enabled() or not kept or not kept.get("endpoint"):
        return None
    opened_here = any(
        record.get("method") == "socialaccount" and record.get("provider") == kept["provider"]
        for record in get_authentication_records(request, request.user)
    )
    if not opened_here:
        return None
    params = {
        "id_token_hint": kept["id_token"],
        "client_id": kept["client_id"],
        "post_logout_redirect_uri": request.build_absolute_uri(redirect_url),
    }
    separator = "&" if "?" in kept["endpoint"] else "?"
    return f"{kept['endpoint']}{separator}{urlencode(params)}"


class EntOpenIDConnectProvider(OpenIDConnectProvider):
    oauth2_adapter_class = EntOIDCAdapter
    # allauth takes a provider's URLs from its package: keep allauth's.
    package = "allauth.socialaccount.providers.openid_connect"

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params["nonce"] = nonce
        # Extra keyword arguments are stashed with the state, found again at the callback.
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )


class EntOIDCCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        if state is not None:
            self.adapter.expected_nonce = state.get("nonce")
        return state, response


@login_not_required
def callback(request, provider_id):
    """allauth's callback view with the adapter above (mounted on allauth's own path)."""
    if not oidc_enabled():
        raise Http404
    return EntOIDCCallbackView.adapter_view(EntOIDCAdapter(request, provider_id))(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        # Not allauth's default: it would make the provider's user name our candidate number.
        user = sociallogin.user
        user.email = (data.get("email") or "").strip().lower()
        user.first_name = (data.get("first_name") or "")[:150]
        user.last_name = (data.get("last_name") or "")[:150]
        return user

    def pre_social_login(self, request, sociallogin):
        claims = claims_of(sociallogin)
        if sociallogin.is_existing:
            if claims.student_number:
                records_import_queue(
                    user=sociallogin.user, source=PROVIDER, student_number=claims.student_number
                )
            return
        if not claims.email:
            raise ImmediateHttpResponse(failure_page(request, "no_email"))
        existing = User.objects.filter(email__iexact=claims.email).first()
        if existing is not None:
            request.session[PENDING_LINK_SESSION_KEY] = {
                "kind": PROVIDER,
                "sociallogin": sociallogin.serialize(),
                "user": existing.pk,
            }
            raise ImmediateHttpResponse(redirect("ent:link"))

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        user = account_vouch(user=user)
        claims = claims_of(sociallogin)
        if claims.student_number:
            records_import_queue(user=user, source=PROVIDER, student_number=claims.student_number)
        return user

    def on_authentication_error(self, request, provider, error=None, exception=None, **kwargs):
        raise ImmediateHttpResponse(failure_page(request, "refused"))
