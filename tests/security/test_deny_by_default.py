"""Deny by default: LoginRequiredMiddleware sends an anonymous visitor of any page to the sign-in
page, unless the page's view is marked ``@login_not_required``. This walks every route of the
resolver, so a public page nobody meant to add fails here.

Adding a page that must be public (a health check, an identity provider's callback, a link
mailed to somebody who is not signed in)? Mark its view with
``django.contrib.auth.decorators.login_not_required`` AND add its route below with the reason.
"""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from .routes import every_route

pytestmark = pytest.mark.django_db

# The ONE list of pages an anonymous visitor may open, by route name, with the reason.
PUBLIC_ROUTES = {
    "home": "the home page: what ecandidat is, sign in or create an account",
    "accessibility": "the accessibility statement, public like the home page",
    "set_language": "the language switch, used before signing in",
    "candidatures:offer": "the programmes on offer are public (guide, step 1)",
    "admin:login": "sends to the sign-in page (allauth's, rate-limited, TOTP)",
    "account_activate": "the activation link mailed after sign-up",
    "account_resend_activation": "a new activation link for an account not yet active",
    "account_login": "signing in",
    "account_logout": "signing out answers even once the session is gone",
    "account_inactive": "allauth's page for a deactivated account",
    "account_signup": "creating an account",
    "account_email_verification_sent": "the page after sign-up: check your mail",
    "account_confirm_email": "allauth's address confirmation link (mailed)",
    "account_reset_password": "forgotten password: ask for a link",
    "account_reset_password_done": "forgotten password: the link is on its way",
    "account_reset_password_from_key": "forgotten password: the mailed link",
    "account_reset_password_from_key_done": "forgotten password: changed",
    "account_confirm_login_code": "allauth's sign-in by code (its own flow checks the session)",
    "mfa_authenticate": "the TOTP step of signing in, before the session exists",
    "ent:cas_login": "signing in through the ENT (CAS): no session yet",
    "ent:oidc_callback": "the ENT's OpenID Connect answer: no session yet",
    "ent:link": "linking an ENT sign-in to an existing account, by its password",
    "ent:signup_ine": "creating an account with one's INE (former students)",
    "dev_cas_login": "the embedded demo's stand-in CAS server (off unless enabled)",
    "dev_cas_validate": "the same, validating a ticket server to server",
    "dev_cas_logout": "the same, signing out",
    "openid_connect_login": "allauth's OpenID Connect start (the ENT provider)",
    "openid_connect_callback": "allauth's OpenID Connect answer",
    "socialaccount_login_cancelled": "allauth's page after an abandoned ENT sign-in",
    "socialaccount_signup": "allauth's sign-up after a first ENT sign-in",
}

DUMMY = {"int": "999999", "str": "x", "path": "x", "slug": "x"}
CONVERTER_RE = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def is_public(route) -> bool:
    return getattr(route.callback, "login_required", True) is False


def url_of(route) -> str:
    """A URL that resolves to the route, with made-up parameters (the middleware answers before
    any object is looked up)."""
    if route.name:
        kwargs = {}
        for match in CONVERTER_RE.finditer(route.route):
            kwargs[match["name"]] = DUMMY[match["converter"] or "str"]
        for name, pattern in re.findall(r"\(\?P<(\w+)>([^)]*)\)", route.route):
            # An alternation (the admin's app labels) takes its first choice.
            kwargs[name] = pattern.split("|")[0] if re.fullmatch(r"[\w|]+", pattern) else "x"
        return reverse(route.name, kwargs=kwargs)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "x", route.route)
    path = CONVERTER_RE.sub("1", path).replace("^", "").replace("$", "")
    return "/" + path


def test_every_public_route_is_on_the_list():
    routes = list(every_route())
    public = {route.name or str(route) for route in routes if is_public(route)}
    unexpected = sorted(public - set(PUBLIC_ROUTES))
    assert not unexpected, (
        "These routes open without signing in but are not on PUBLIC_ROUTES in "
        f"{__file__}: {unexpected}. If they must be public, add each one there with the "
        "reason; if not, remove @login_not_required from the view."
    )
    stale = sorted(set(PUBLIC_ROUTES) - public)
    assert not stale, (
        f"PUBLIC_ROUTES lists routes that are no longer public (or no longer exist): {stale}. "
        "Remove them from the list."
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_anonymous_visitor_of_any_other_route_is_sent_to_sign_in(client, method):
    # The admin's pages name their own login page (which sends on to the sign-in page).
    login = (reverse(settings.LOGIN_URL), reverse("admin:login"))
    checked, let_through = 0, []
    for route in every_route():
        if is_public(route):
            continue
        url = url_of(route)
        response = getattr(client, method)(url)
        checked += 1
        if response.status_code != 302 or not response["Location"].startswith(login):
            let_through.append(f"{method.upper()} {url} -> {response.status_code} ({route})")
    assert checked > 150
    assert not let_through, "\n".join(let_through)


def test_the_login_redirect_keeps_where_the_visitor_was_going(client):
    response = client.get(reverse("candidatures:dashboard"))
    assert response["Location"] == f"{reverse('account_login')}?next=/candidatures/"
