"""Request guards every page shares: a NUL byte in the query string is refused before any view
sees it, nothing a signed-in person sees is kept by a browser or proxy cache, and a session ends
after an idle and an absolute timeout."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousOperation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
SIGNED_IN_AT = "_ecandidat_signed_in_at"
LAST_SEEN = "_ecandidat_last_seen"


class NulInQuery(SuspiciousOperation):
    """PostgreSQL cannot store or compare text holding NUL (it raises DataError): such a
    parameter never comes from our pages, so the request gets the 400 page."""


class RefuseNulInQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise NulInQuery("NUL byte in a query parameter")
        return self.get_response(request)


class NoStoreWhenSignedInMiddleware:
    """Cache-Control: no-store on every response to a signed-in user (dossier pages, messages,
    the admission letter...): a shared computer's back button or a proxy must not show them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        return response


class SessionTimeoutMiddleware:
    """Signs a person out after ``SESSION_IDLE_TIMEOUT`` seconds without a request, and in any
    case ``SESSION_ABSOLUTE_TIMEOUT`` seconds after signing in: a computer left signed in, in a
    library or at home, does not stay open on somebody's dossier. Times are kept in the session
    (updated at most once a minute, not a write per request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(SIGNED_IN_AT, now)
            last_seen = session.get(LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT
            if idle or now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                logger.info(
                    "session expired: user %s (%s)", user.pk, "idle" if idle else "absolute"
                )
                logout(request)
                messages.info(request, _("Your session has expired: please sign in again."))
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= 60 or LAST_SEEN not in session:
                session[LAST_SEEN] = now
        return self.get_response(request)


def stamp_session_start(sender, request, user, **kwargs):
    """On ``user_logged_in``: both timeouts count from the sign-in (connected in AccountsConfig),
    so the first page after it writes nothing more to the session."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = int(time.time())
