"""The application page written in Python (``candidatures.detail_html`` and the documents'
``pieces.section``) is the template's (the reference, drawn when ``written`` is off), once
runs of blanks are collapsed: the golden pages' data (every stage the page tells apart, names
that need escaping), in French, English, and a catalogue whose translations hold characters
HTML escapes (``drawn_language``)."""

import datetime

import pytest
import time_machine

from candidatures import detail_html
from pieces import section
from tests.rendered import collapsed, masked

from .test_pages_html import NOW, _pages, candidate  # noqa: F401 (the golden data)

pytestmark = pytest.mark.django_db


def _collapsed(html: str) -> str:
    return collapsed(masked(html))


def test_the_page_written_in_python_is_the_templates(
    client,
    candidate,  # noqa: F811
    monkeypatch,
    drawn_language,
):
    language, hostile = drawn_language
    user, applications = candidate
    client.force_login(user)
    pages = [(name, url) for name, url in _pages(applications) if name != "dashboard"]
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        for name, url in pages:
            drawn = {}
            for written in (False, True):
                monkeypatch.setattr(detail_html, "written", written)
                monkeypatch.setattr(section, "written", written)
                response = client.get(url, headers={"accept-language": language})
                assert response.status_code == 200
                drawn[written] = response.content.decode()
            assert _collapsed(drawn[True]) == _collapsed(drawn[False]), name
            assert 'id="history"' in drawn[True]
            if hostile:
                assert "Historique" not in drawn[True] and "History l'<&>\"" in drawn[True]


# user, dossier, application, history, the requirements with their documents; the decision's
# details for a preselection or a refusal, the waiting list's size for a waitlisted one.
QUERIES = {"preselected": 6, "unfavourable": 6, "waitlisted": 6}


def test_each_stage_costs_its_queries(client, candidate, django_assert_num_queries):  # noqa: F811
    user, applications = candidate
    client.force_login(user)
    for name, url in _pages(applications):
        if name == "dashboard":
            continue
        with django_assert_num_queries(QUERIES.get(name, 5)):
            assert client.get(url).status_code == 200
