"""Headers of every page: a Content-Security-Policy that needs no 'unsafe-inline' (and pages
that hold no inline script, style or handler it would block), and no-store on every response
to a signed-in person, the admission letter from Messages included."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from .routes import World, every_route

pytestmark = pytest.mark.django_db


class InlineFinder(HTMLParser):
    """What a CSP without 'unsafe-inline' blocks: inline <script> and <style>, style
    attributes, on* event handlers and javascript: URLs (a nonce lets a block through)."""

    def __init__(self, nonce):
        super().__init__()
        self.nonce = nonce
        self.found = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        has_nonce = self.nonce and attributes.get("nonce") == self.nonce
        if tag == "style" and not has_nonce:
            self.found.append("<style> block")
        if tag == "script" and not attributes.get("src") and not has_nonce:
            self._open = "script"
        for name, value in attrs:
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            elif name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            elif name in ("href", "src", "action") and (value or "").lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_data(self, data):
        if self._open == "script" and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


def nonce_of(response):
    policy = response.get("Content-Security-Policy", "")
    for part in policy.split():
        if part.startswith("'nonce-"):
            return part[len("'nonce-") : -1]
    return None


def candidate_pages(client, world):
    """Every GET page of the resolver a candidate reaches, filled with their own objects."""
    client.force_login(world.user)
    for route in every_route():
        if route.route.startswith("admin/") or not route.name:
            continue
        kwargs = world.kwargs_for(route)
        if kwargs is None:
            continue
        url = reverse(route.name, kwargs=kwargs)
        yield route, url, client.get(url)


def test_every_candidate_page_has_a_strict_policy_and_nothing_it_would_block(client):
    world = World()
    checked, problems = 0, []
    for _route, url, response in candidate_pages(client, world):
        assert response.status_code < 500, url
        if not response["Content-Type"].startswith("text/html"):
            continue
        checked += 1
        policy = response.get("Content-Security-Policy", "")
        if "script-src 'self'" not in policy or "unsafe-inline" in policy:
            problems.append(f"{url}: policy {policy!r}")
        finder = InlineFinder(nonce_of(response))
        finder.feed(response.content.decode())
        problems += [f"{url}: {item}" for item in finder.found]
    assert checked >= 30
    assert not problems, "\n".join(problems)


def test_anonymous_pages_have_the_policy_and_nothing_it_would_block(client):
    pages = [
        reverse(name)
        for name in (
            "home",
            "account_login",
            "account_signup",
            "account_reset_password",
            "account_resend_activation",
            "candidatures:offer",
        )
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        finder = InlineFinder(nonce_of(response))
        finder.feed(response.content.decode())
        assert not finder.found, (url, finder.found)


def test_every_response_to_a_signed_in_candidate_is_no_store(client):
    world = World()
    cached = []
    count = 0
    for _route, url, response in candidate_pages(client, world):
        count += 1
        if "no-store" not in response.get("Cache-Control", ""):
            cached.append(f"{url}: {response.get('Cache-Control')!r}")
    assert count >= 35
    assert not cached, "\n".join(cached)


def test_the_admission_letter_from_messages_is_no_store(client):
    world = World()
    client.force_login(world.user)
    response = client.get(
        reverse("notifications:message_attachment", args=[world.mail.pk, world.letter.pk])
    )
    assert response.content == b"%PDF-1.4 admission letter bytes"
    assert response["Cache-Control"] == "no-store"
    for name in ("candidatures:dashboard", "dossiers:overview", "notifications:message_list"):
        assert client.get(reverse(name))["Cache-Control"] == "no-store"
    assert client.get(reverse("account_email"))["Cache-Control"] == "no-store"


def test_anonymous_public_pages_stay_cacheable(client):
    assert "no-store" not in client.get(reverse("candidatures:offer")).get("Cache-Control", "")
