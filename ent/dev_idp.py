"""A development CAS server for the embedded demo, so « Se connecter avec l'ENT » can be tried
without the university's ENT. Refused in production (settings), answers 404 when off.

It speaks the real protocol, as django-cas-ng expects it: ``login`` (form, then a redirect to
the service with a single-use ticket), ``p3/serviceValidate`` (CAS 3 XML with attributes),
``logout``. Tickets live one minute in the cache and are bound to the service they were issued
for. The people it knows are in ``ent/data/dev_idp_people.json``; ``manage.py demo`` prints
their logins.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

PEOPLE_FILE = Path(__file__).resolve().parent / "data" / "dev_idp_people.json"
TICKET_SECONDS = 60


def people() -> list[dict]:
    return json.loads(PEOPLE_FILE.read_text(encoding="utf-8"))


def cas_success_xml(uid: str, attributes: dict) -> bytes:
    """A CAS 3 ``authenticationSuccess`` answer (a list value repeats the attribute)."""
    lines = []
    for name, value in attributes.items():
        for item in value if isinstance(value, list) else [value]:
            lines.append(f"<cas:{name}>{escape(str(item))}</cas:{name}>")
    return (
        "<cas:serviceResponse xmlns:cas='http://www.yale.edu/tp/cas'>"
        "<cas:authenticationSuccess>"
        f"<cas:user>{escape(uid)}</cas:user>"
        f"<cas:attributes>{''.join(lines)}</cas:attributes>"
        "</cas:authenticationSuccess></cas:serviceResponse>"
    ).encode()


def cas_failure_xml(code: str, message: str) -> bytes:
    return (
        "<cas:serviceResponse xmlns:cas='http://www.yale.edu/tp/cas'>"
        f"<cas:authenticationFailure code='{escape(code)}'>{escape(message)}"
        "</cas:authenticationFailure></cas:serviceResponse>"
    ).encode()


def _enabled():
    if not settings.ENT_DEV_IDP:
        raise Http404


def _same_site(request, service: str) -> bool:
    parts = urlsplit(service)
    return parts.scheme in ("http", "https") and parts.netloc == request.get_host()


@login_not_required
@require_http_methods(["GET", "POST"])
def login(request):
    _enabled()
    service = request.GET.get("service", "")
    if not _same_site(request, service):
        return HttpResponseBadRequest("service must be on this site")
    error = ""
    if request.method == "POST":
        login_name = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        person = next((p for p in people() if p["login"] == login_name), None)
        if person is not None and secrets.compare_digest(person["password"], password):
            ticket = f"ST-{secrets.token_urlsafe(24)}"
            cache.set(
                f"ent:dev-cas:{ticket}",
                {"login": person["login"], "service": service},
                TICKET_SECONDS,
            )
            separator = "&" if "?" in service else "?"
            return HttpResponseRedirect(f"{service}{separator}{urlencode({'ticket': ticket})}")
        error = _("Unknown login or wrong password.")
    return render(
        request,
        "ent/dev_idp_login.html",
        {"people": people(), "error": error, "service": service},
        status=401 if error else 200,
    )


@login_not_required
def service_validate(request):
    _enabled()
    ticket = request.GET.get("ticket", "")
    service = request.GET.get("service", "")
    data = cache.get(f"ent:dev-cas:{ticket}") if ticket.startswith("ST-") else None
    if data is not None:
        cache.delete(f"ent:dev-cas:{ticket}")  # single use
    if data is None:
        body = cas_failure_xml("INVALID_TICKET", f"Ticket {ticket} not recognized")
    elif data["service"] != service:
        body = cas_failure_xml("INVALID_SERVICE", "Ticket was issued for another service")
    else:
        person = next(p for p in people() if p["login"] == data["login"])
        body = cas_success_xml(person["login"], person["attributes"])
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


@login_not_required
def logout(request):
    _enabled()
    service = request.GET.get("service", "")
    return HttpResponseRedirect(service if _same_site(request, service) else "/")
