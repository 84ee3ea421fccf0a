"""``ecandidat.reversing``: one reverse, then the same URLs as ``reverse``."""

from html import escape

import pytest
from django.urls import reverse

from ecandidat.reversing import url_around, url_maker


def test_the_same_urls_as_reverse_for_any_ids():
    upload = url_maker("pieces:upload", 2)
    download = url_maker("pieces:download")
    for pk, type_pk in [(1, 2), (12, 12), (907, 9070), (2_000_000_000, 3)]:
        assert upload(pk, type_pk) == reverse("pieces:upload", args=[pk, type_pk])
        assert download(pk) == reverse("pieces:download", args=[pk])


def test_refuses_a_wrong_number_of_ids():
    with pytest.raises(ValueError):
        url_maker("pieces:upload", 2)(1)


def test_url_around_is_the_escaped_url_around_the_id():
    """What the changelist's and the reviewer list's rows write: head + id + tail, escaped,
    ``then`` applied before escaping (the admin's preserved filters)."""
    head, tail = url_around("pieces:download")
    assert f"{head}907{tail}" == reverse("pieces:download", args=[907])
    head, tail = url_around("pieces:download", lambda url: f"{url}?a=1&b=<2>")
    assert f"{head}12{tail}" == escape(reverse("pieces:download", args=[12]) + "?a=1&b=<2>")
    head, tail = url_around("admin:candidatures_candidature_change", current_app="admin")
    assert f"{head}5{tail}" == reverse("admin:candidatures_candidature_change", args=[5])
    with pytest.raises(ValueError):
        url_around("pieces:download", lambda url: url + url)


def test_url_around_takes_a_query_string_holding_the_stand_in_digits():
    """A staff search for 9070000000001 kept in the changelist's preserved filters made
    url_around refuse the page (a 500)."""
    head, tail = url_around("pieces:download", lambda url: f"{url}?q=9070000000001")
    assert f"{head}12{tail}" == escape(reverse("pieces:download", args=[12]) + "?q=9070000000001")


def test_the_pattern_is_reversed_once_per_script_prefix(monkeypatch):
    from django.urls import get_script_prefix, set_script_prefix

    from ecandidat import reversing

    calls = []
    real = reversing.reverse
    monkeypatch.setattr(reversing, "reverse", lambda *a, **k: calls.append(a) or real(*a, **k))
    reversing._forget()
    assert url_maker("pieces:download")(3) == reverse("pieces:download", args=[3])
    assert url_maker("pieces:download")(4) == reverse("pieces:download", args=[4])
    assert len(calls) == 1
    prefix = get_script_prefix()
    try:
        set_script_prefix("/sous-dossier/")
        assert url_maker("pieces:download")(5) == reverse("pieces:download", args=[5])
        assert url_maker("pieces:download")(5).startswith("/sous-dossier/")
    finally:
        set_script_prefix(prefix)
    assert len(calls) == 2
