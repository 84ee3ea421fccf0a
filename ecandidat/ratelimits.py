"""Rate limits on the candidate's actions that cost something or reveal something: changing
the INE of one's dossier (the page says when another dossier holds it), sending a document
(checked, rewritten, scanned), submitting an application (a mail). Counted per account and
per client address with allauth's counters, so they live in the shared cache (Redis in
production: every web process sees the same counts) and the address is the one
``ALLAUTH_TRUSTED_PROXY_COUNT`` designates, never a client-written ``X-Forwarded-For``.
The rates are ``settings.CANDIDATE_RATE_LIMITS``; the INE sign-up's is allauth's own
(``ACCOUNT_RATE_LIMITS["ine_signup"]``)."""

from allauth.core.internal import ratelimit as _allauth
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

APP = "ecandidat"
DOSSIER_INE = "dossier_ine"
PIECE_UPLOAD = "piece_upload"
SUBMIT = "submit"


def rate_limit_consume(request, *, action: str) -> bool:
    """Counts this request against ``action``'s limits; False (and nothing counted) when one
    of them is reached. GET requests are never counted."""
    usage = _allauth.consume(request, app=APP, action=action, config=settings.CANDIDATE_RATE_LIMITS)
    return usage is not None


def rate_limit_message(action: str) -> str:
    """What the candidate reads: when to try again (the longest period of the action's
    rates), and that nothing saved is lost."""
    rates = _allauth.get_rates(app=APP, action=action, config=settings.CANDIDATE_RATE_LIMITS)
    minutes = max((int(rate.duration) + 59) // 60 for rate in rates) if rates else 60
    delay = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    return _(
        "You have done this many times in a short while: please try again in %(delay)s. "
        "Nothing you have already saved is lost."
    ) % {"delay": delay}


def too_many_requests(request, *, action: str, back_url: str, back_label: str):
    """The 429 page, with the way back to where the candidate was."""
    return render(
        request,
        "429.html",
        {"message": rate_limit_message(action), "back_url": back_url, "back_label": back_label},
        status=429,
    )
