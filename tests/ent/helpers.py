"""Walk the real redirects of a CAS or OpenID Connect sign-in, as a browser would."""

from urllib.parse import urlsplit

import requests


def cas_sign_in(client, *, person="alice.durand", next_url=""):
    """Returns our response to the CAS server's redirect back with a ticket, and the ticket
    URL (to replay it)."""
    start = client.get("/accounts/cas/login/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start
    back = requests.get(f"{start['Location']}&test_user={person}", allow_redirects=False, timeout=5)
    assert back.status_code == 302, back.text
    return client.get(back.headers["Location"]), back.headers["Location"]


def oidc_sign_in(client):
    """Our answer to the provider's redirect back with a code."""
    start = client.post("/accounts/oidc/ent/login/")
    assert start.status_code == 302, start.content[:500]
    back = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302, back.text
    location = urlsplit(back.headers["Location"])
    return client.get(f"{location.path}?{location.query}")


def imports_of(user):
    """The audit entries of a candidate's student-records imports, oldest first."""
    from audit.models import AuditEntry
    from ent.services import AUDIT_ACTION

    return [
        entry.after | {"comment": entry.comment, "actor": entry.actor_id}
        for entry in AuditEntry.objects.filter(
            action=AUDIT_ACTION, object_id=str(user.dossier.pk)
        ).order_by("pk")
    ]
