"""The layout's fixed parts come from a per-process memo (ecandidat/layout.py): a page served
from the memo is byte for byte the page rendered live, whoever filled the memo (another
person, signed in or not, another page, another language), and nobody's data is in it."""

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse, set_script_prefix

from ecandidat import layout
from tests.factories import CandidatureFactory, ProgrammeFactory, UserFactory, reviewer_of

pytestmark = pytest.mark.django_db
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def people(db):
    candidature = CandidatureFactory(
        draft=True,
        dossier__user__first_name="Zéphyrine",
        dossier__user__last_name="Quetzal",
        dossier__user__email="zephyrine.quetzal@example.org",
    )
    programme = ProgrammeFactory()
    return {
        "anonymous": None,
        "candidate": candidature.dossier.user,
        "staff": UserFactory(staff=True, email="agent.unique@example.org"),
        "reviewer": reviewer_of(programme, email="jury.unique@example.org"),
    }


def page(client, user, path, language):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(path, headers={"accept-language": language})
    assert response.status_code == 200, (path, response.status_code)
    return CSRF.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())


def live(client, user, path, language, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(layout, "memo_enabled", False)
        return page(client, user, path, language)


# Each page with whom it is shown to; the memo is filled first by a different person on a
# different page (and, for the last cases, in the other language).
CASES = [
    ("candidate", "home", "anonymous", "candidatures:offer", "fr"),
    ("anonymous", "home", "candidate", "dossiers:overview", "fr"),
    ("candidate", "dossiers:overview", "anonymous", "account_login", "en"),
    ("candidate", "candidatures:dashboard", "candidate", "dossiers:overview", "fr"),
    ("candidate", "notifications:message_list", "staff", "home", "en"),
    ("candidate", "candidatures:offer", "candidate", "home", "fr"),
    ("staff", "home", "candidate", "notifications:message_list", "fr"),
    ("reviewer", "commissions:list", "candidate", "dossiers:overview", "en"),
    ("anonymous", "account_login", "reviewer", "commissions:list", "fr"),
]


@pytest.mark.parametrize(("who", "name", "filler", "filler_page", "language"), CASES)
def test_a_page_from_the_memo_is_the_page_rendered_live(
    client, people, monkeypatch, who, name, filler, filler_page, language
):
    for filled_in in (language, "en" if language == "fr" else "fr"):
        layout.memo_clear()
        page(client, people[filler], reverse(filler_page), filled_in)
        from_memo = page(client, people[who], reverse(name), language)
        assert from_memo == live(client, people[who], reverse(name), language, monkeypatch)


def test_the_memo_holds_nobodys_data(client, people):
    layout.memo_clear()
    for who in ("candidate", "staff"):
        for name in ("home", "candidatures:offer", "notifications:message_list"):
            page(client, people[who], reverse(name), "fr")
    page(client, people["reviewer"], reverse("commissions:list"), "fr")
    page(client, people["candidate"], reverse("dossiers:overview"), "en")
    assert layout._MEMO
    user = people["candidate"]
    secrets = [
        "Zéphyrine",
        "Quetzal",
        user.email,
        str(user.candidate_number),
        people["staff"].email,
        people["reviewer"].email,
        "csrfmiddlewaretoken",
        'aria-current="page"',
    ]
    for html in layout._MEMO.values():
        for secret in secrets:
            assert secret not in html


def test_each_language_has_its_own_parts(client, people):
    layout.memo_clear()
    french = page(client, None, reverse("home"), "fr")
    english = page(client, None, reverse("home"), "en")
    assert 'lang="fr"' in french and "Accès rapide" in french
    assert 'lang="en"' in english and "Quick access" in english
    assert "Accès rapide" not in english


def test_a_changed_setting_shows_at_once(client, settings):
    page(client, None, reverse("home"), "fr")
    settings.SUPPORT_EMAIL = "aide.nouvelle@example.org"
    settings.INSTITUTION_NAME = "Université Nouvelle"
    html = page(client, None, reverse("home"), "fr")
    assert "aide.nouvelle@example.org" in html
    assert "Université Nouvelle</title>" in html.replace("\n", "").replace("  ", "")


def test_a_block_inside_a_memo_is_refused():
    with pytest.raises(TemplateSyntaxError, match="cannot hold a block"):
        Template('{% load layout %}{% memo "x" %}{% block a %}{% endblock a %}{% endmemo %}')


def test_the_blocks_are_found_around_the_memos_without_walking_into_them():
    """``{% extends %}`` looks for the parent's blocks on every render; a memo's content holds
    none and is not walked (most of base.html is inside one)."""
    from django.template.defaulttags import IfNode
    from django.template.loader import get_template
    from django.template.loader_tags import BlockNode

    nodelist = get_template("base.html").template.nodelist
    names = {node.name for node in nodelist.get_nodes_by_type(BlockNode)}
    assert {"head_title", "header_tools", "navigation", "page", "content"} <= names
    template = Template('{% load layout %}{% memo "x" %}{% if 1 %}[{% endif %}{% endmemo %}')
    assert template.nodelist.get_nodes_by_type(IfNode) == []
    assert template.render(Context()) == "["


def test_the_memo_keys_on_the_listed_variables():
    layout.memo_clear()
    template = Template('{% load layout %}{% memo "t" name %}{{ name }}{% endmemo %}')
    assert template.render(Context({"name": "A"})) == "A"
    assert template.render(Context({"name": "B"})) == "B"
    assert template.render(Context({"name": "A"})) == "A"


def test_fixed_urls_are_the_reversed_ones_for_the_script_prefix():
    layout.memo_clear()
    assert layout.fixed_reverse("dossiers:overview") == reverse("dossiers:overview") == "/dossier/"
    set_script_prefix("/ecandidat/")
    try:
        assert layout.fixed_reverse("dossiers:overview") == "/ecandidat/dossier/"
    finally:
        set_script_prefix("/")
    assert layout.fixed_reverse("dossiers:overview") == "/dossier/"


def test_a_part_whose_key_varies_cannot_push_the_layouts_parts_out(monkeypatch):
    """The reviewer list's filters are kept per values asked: filling the memo with them used
    to empty all of it, the layout's parts of every page included."""
    layout.memo_clear()
    monkeypatch.setattr(layout, "MEMO_LIMIT", 8)
    fixed = Template('{% load layout %}{% memo "fixed" %}F{% endmemo %}')
    varying = Template('{% load layout %}{% memo "varying" value %}{{ value }}{% endmemo %}')
    fixed.render(Context({}))
    for value in range(20):
        varying.render(Context({"value": value}))
    assert len(layout._MEMO) <= 8
    assert [key for key in layout._MEMO if key[0] == "fixed"]


def test_a_none_in_the_key_renders_live_and_keeps_nothing():
    layout.memo_clear()
    template = Template('{% load layout %}{% memo "t" key %}{{ text }}{% endmemo %}')
    assert template.render(Context({"key": None, "text": "typed 1"})) == "typed 1"
    assert template.render(Context({"key": None, "text": "typed 2"})) == "typed 2"
    assert not layout._MEMO


def test_a_typed_score_on_the_reviewer_list_is_not_kept(client, people):
    layout.memo_clear()
    client.force_login(people["reviewer"])
    for score in ("12", "13", "abc"):
        response = client.get(reverse("commissions:list"), {"min_score": score})
        assert response.status_code == 200
        assert f'value="{score}"' in response.content.decode()
    assert not [key for key in layout._MEMO if key[0] == "reviewer-filters"]


def test_kept_translations_are_gettexts_per_language(monkeypatch):
    from django.utils import translation

    layout.memo_clear()
    with translation.override("fr"):
        assert layout.gettext_kept("History") == "Historique"
        assert layout.pgettext_kept("piece", "Add") == translation.pgettext("piece", "Add")
    with translation.override("en"):
        assert layout.gettext_kept("History") == "History"
    # Kept: a catalogue changed under a running process is not seen until the memo empties.
    monkeypatch.setattr(translation._trans, "gettext", lambda message: f"«{message}»")
    with translation.override("en"):
        assert layout.gettext_kept("History") == "History"
        layout.memo_clear()
        assert layout.gettext_kept("History") == "«History»"
        monkeypatch.setattr(layout, "memo_enabled", False)
        monkeypatch.setattr(translation._trans, "gettext", lambda message: f"[{message}]")
        assert layout.gettext_kept("History") == "[History]"
