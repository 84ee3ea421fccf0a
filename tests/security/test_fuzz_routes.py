"""Hypothesis over every page of a candidate: any query string on any GET page, and any values
in the fields of any form (the names read from the page itself, plus made-up ones), posted to
any route. The only rule checked: never a server error (the app's other tests check what the
answers say)."""

import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .routes import World, every_route

pytestmark = pytest.mark.django_db

FIELD_RE = re.compile(r'name="([^"]+)"')
HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "99999999999999999999",
        "1e309",
        "NaN",
        "2026-02-30",
        "31/12/1899",
        "../../etc/passwd",
        "<script>alert(1)</script>",
        '=HYPERLINK("http://x")',
        "'; DROP TABLE accounts_user; --",
        "%(name)s {0} {{ x }}",
        "\u202eevil\u202c",
        "😀" * 50,
        "a" * 10_000,
        "\x00",
        "\ud800",
    ]
)
VALUES = st.one_of(HOSTILE, st.text(max_size=300))
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def pages(client):
    """(url, field names of its forms) for every route the owner reaches."""
    world = World()
    client.force_login(world.user)
    found = []
    for route in every_route():
        if route.route.startswith("admin/") or not route.name or "logout" in route.name:
            continue
        kwargs = world.kwargs_for(route)
        if kwargs is None:
            continue
        url = reverse(route.name, kwargs=kwargs)
        response = client.get(url)
        fields = []
        if response.get("Content-Type", "").startswith("text/html"):
            fields = sorted(
                set(FIELD_RE.findall(response.content.decode())) - {"csrfmiddlewaretoken"}
            )
        found.append((url, fields))
    assert len(found) >= 40
    return found


def _safe(text: str) -> str:
    # A lone surrogate cannot be sent over HTTP at all (the client would fail to encode it).
    return text.encode("utf-8", "replace").decode("utf-8")


@FUZZ
@given(data=st.data())
def test_any_query_string_on_any_page_is_never_a_server_error(client, pages, data):
    url, fields = data.draw(st.sampled_from(pages))
    keys = st.one_of(st.sampled_from([*fields, "q", "page", "next", "lang"]), st.text(max_size=20))
    params = data.draw(st.dictionaries(keys, VALUES, max_size=5))
    response = client.get(url, {_safe(k): _safe(v) for k, v in params.items()})
    assert response.status_code < 500


@FUZZ
@given(data=st.data())
def test_any_form_values_posted_anywhere_are_never_a_server_error(client, pages, data):
    url, fields = data.draw(st.sampled_from(pages))
    keys = (
        st.one_of(st.sampled_from(fields), st.text(min_size=1, max_size=20))
        if fields
        else st.text(min_size=1, max_size=20)
    )
    form = data.draw(
        st.dictionaries(keys, st.one_of(VALUES, st.lists(VALUES, max_size=3)), max_size=12)
    )
    payload = {
        _safe(k): [_safe(item) for item in v] if isinstance(v, list) else _safe(v)
        for k, v in form.items()
    }
    response = client.post(url, payload)
    assert response.status_code < 500
