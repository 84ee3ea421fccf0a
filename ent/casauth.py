"""CAS sign-in through django-cas-ng (the protocol of French universities' ENTs).

django-cas-ng's client builds the login URL and validates the ticket over HTTP (CAS 3
``p3/serviceValidate``, XML with attributes). What differs from its defaults:

- the account is found by the CAS identifier through ``EntIdentity`` (``EntCASBackend``),
  never by taking the CAS user name as a local login or an email;
- the login goes through allauth's login flow (``perform_login``), so its stages run: a staff
  member with a TOTP authenticator is asked for the code, as after a password;
- a ticket is accepted once per site even if the CAS server would validate it again, and the
  validation request has a timeout.
"""

from __future__ import annotations

import hashlib
import logging
from xml.etree.ElementTree import ParseError

import requests
from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django_cas_ng.backends import CASBackend
from django_cas_ng.models import SESSION_KEY_MAXLENGTH, SessionTicket
from django_cas_ng.utils import RedirectException, get_cas_client, get_service_url
from django_cas_ng.views import LoginView, clean_next_page

from .services import (
    EmailBelongsToAccount,
    NoEmailFromEnt,
    claims_from_attributes,
    identity_sign_in,
)

logger = logging.getLogger(__name__)

PROVIDER = "cas"
PENDING_LINK_SESSION_KEY = "ent_pending_link"
# Set when the session was opened through the CAS server: signing out then ends the CAS session
# too (``cas_logout_url``), or the next person at a shared computer would be signed in again by
# the CAS server's own cookie.
CAS_SESSION_KEY = "ent_cas_signed_in"
# A CAS service ticket lives seconds; remembering used ones for a day is plenty.
USED_TICKET_SECONDS = 24 * 3600


def cas_enabled() -> bool:
    return bool(settings.CAS_SERVER_URL)


class EntCASBackend(CASBackend):
    """Validates the ticket with django-cas-ng's client, then finds the account by the CAS
    identifier. Leaves ``request.ent_failure`` saying why when it returns None."""

    def authenticate(self, request, ticket=None, service=None, **kwargs):
        if not ticket or not service or not cas_enabled() or request is None:
            return None
        digest = hashlib.sha256(f"{service}\n{ticket}".encode()).hexdigest()
        # Single use is checked in the cache: with Redis away it cannot be, so the sign-in
        # waits rather than let a replayed ticket through (TolerantRedisCache.add_strict).
        add = getattr(cache, "add_strict", cache.add)
        first = add(f"ent:cas-ticket:{digest}", 1, timeout=USED_TICKET_SECONDS)
        if first is None:
            logger.warning("CAS ticket not checked: the cache is unavailable")
            request.ent_failure = "unreachable"
            return None
        if not first:
            logger.warning("CAS ticket presented twice")
            request.ent_failure = "refused"
            return None
        client = get_cas_client(service_url=service, request=request)
        try:
            uid, attributes, _pgtiou = client.verify_ticket(ticket)
        except (requests.RequestException, ParseError, IndexError, AttributeError) as error:
            logger.warning("CAS ticket validation failed: %r", error)
            request.ent_failure = "unreachable"
            return None
        if not uid:
            request.ent_failure = "refused"
            return None
        claims = claims_from_attributes(provider=PROVIDER, uid=uid, attributes=attributes)
        try:
            user = identity_sign_in(claims=claims)
        except EmailBelongsToAccount as error:
            request.session[PENDING_LINK_SESSION_KEY] = {
                "kind": PROVIDER,
                "claims": claims.as_session(),
                "user": error.user.pk,
            }
            request.ent_failure = "link"
            return None
        except NoEmailFromEnt:
            request.ent_failure = "no_email"
            return None
        if not self.user_can_authenticate(user):
            request.ent_failure = "inactive"
            return None
        return user


def failure_page(request, reason: str, status: int = 403):
    return render(request, "ent/failure.html", {"reason": reason}, status=status)


class CasLoginView(LoginView):
    """django-cas-ng's login view (its POST still receives the CAS server's single logout
    requests), with the sign-in handed to allauth's flow."""

    def get(self, request):
        if not cas_enabled():
            raise Http404
        try:
            next_page = clean_next_page(request, request.GET.get("next"))
        except RedirectException:
            next_page = None
        next_page = next_page or resolve_url(settings.LOGIN_REDIRECT_URL)
        service_url = get_service_url(request, next_page)
        ticket = request.GET.get("ticket")
        if not ticket:
            return HttpResponseRedirect(
                get_cas_client(service_url=service_url, request=request).get_login_url()
            )
        user = authenticate(request, ticket=ticket, service=service_url)
        if user is None:
            reason = getattr(request, "ent_failure", "refused")
            if reason == "link":
                return redirect("ent:link")
            return failure_page(request, reason, status=502 if reason == "unreachable" else 403)
        # Before the login: a staff member's TOTP stage ends the login in a later request, and
        # Django keeps the session's data when it cycles the key.
        request.session[CAS_SESSION_KEY] = True
        response = perform_login(request, user, redirect_url=next_page)
        if request.user.is_authenticated:
            remember_ticket(request, ticket)
        return response


def cas_logout_url(request, redirect_url: str) -> str | None:
    """The CAS server's logout, coming back to ``redirect_url``, when this session was opened
    through CAS; None otherwise."""
    if not cas_enabled() or not request.session.get(CAS_SESSION_KEY):
        return None
    service = request.build_absolute_uri(redirect_url)
    return get_cas_client(service_url=service, request=request).get_logout_url(service)


def remember_ticket(request, ticket: str) -> None:
    """What django-cas-ng's single logout needs: which session a ticket opened."""
    if not request.session.session_key:
        request.session.save()
    session_key = request.session.session_key[:SESSION_KEY_MAXLENGTH]
    SessionTicket.objects.update_or_create(session_key=session_key, defaults={"ticket": ticket})
