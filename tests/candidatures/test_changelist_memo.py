"""The staff changelist's sidebar, toolbars and table head come from the layout's memo
(``{% memo %}`` keyed by ``LeanChangeList.memo_key``, candidatures/changelist.py): a page served
from a memo that other pages filled (other staff, other filters, the other language) is byte
for byte the page Django's own ChangeList, filters and templates render, for a central
administrator and for centre staff; what anyone typed is never kept, nor anybody's name."""

import pytest
from django.urls import reverse

from candidatures.admin import CandidatureAdmin
from ecandidat import layout
from tests.candidatures.changelist_reference import use_djangos_changelist
from tests.factories import (
    CandidatureFactory,
    CentreFactory,
    PieceFactory,
    ProgrammeFactory,
    UserFactory,
    centre_staff,
)
from tests.rendered import masked as _masked

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:candidatures_candidature_changelist")
HOSTILE = "<b>Ürsül & \"Co\" 'x'</b>"
CASES = [
    {},
    {"p": "2"},
    {"o": "-5.2", "status__exact": "incomplete"},
    {"o": "3"},
    {"q": "Ürsül"},
    {"q": HOSTILE, "o": "2"},
    {"refused": "yes", "programme__centre__id__exact": "{centre}"},
    {"programme__id__exact": "{programme}", "status__exact": "received"},
    {"submitted_at_since": "2020-01-01", "submitted_at_until": "2099-12-31"},
    {"submitted_at_since": "not a date"},
    {"status__exact": "<b>typed</b>"},
    {"_facets": "True"},
]


@pytest.fixture
def world(db, monkeypatch):
    # Two rows a page, so that pagination and "select all" show with few applications.
    monkeypatch.setattr(CandidatureAdmin, "list_per_page", 2)
    centre, other = CentreFactory(name="Centre Alpha"), CentreFactory(name="Centre Beta")
    programme = ProgrammeFactory(centre=centre, title="Licence <i>\"Arts\" & 'Lettres'</i>")
    CandidatureFactory(
        programme=programme,
        received=True,
        dossier__user__last_name="Quetzal",
        dossier__user__email="zephyrine.quetzal@example.org",
    )
    CandidatureFactory(programme=programme, incomplete=True, dossier__user__last_name=HOSTILE)
    CandidatureFactory.create_batch(2, programme=programme, incomplete=True)
    draft = CandidatureFactory(draft=True, programme=programme)
    PieceFactory.create_batch(2, candidature=draft, status="refused")
    CandidatureFactory.create_batch(3, programme__centre=other, received=True)
    users = {
        "central": UserFactory(staff=True, first_name="Agent", last_name="Central"),
        "centre": centre_staff(centre, first_name="Agent", last_name="Alpha"),
    }
    return {"centre": centre, "programme": programme, "users": users}


def _params(world, case):
    values = {"centre": world["centre"].pk, "programme": world["programme"].pk}
    return {key: value.format(**values) for key, value in case.items()}


def _get(client, user, params, language):
    client.force_login(user)
    response = client.get(CHANGELIST, params, headers={"accept-language": language})
    assert response.status_code == 200
    return response


def _django(client, user, params, language, monkeypatch):
    """The page as Django's ChangeList, RelatedFieldListFilter and templates render it."""
    with monkeypatch.context() as patch:
        use_djangos_changelist(patch)
        patch.setattr(layout, "memo_enabled", False)
        return _get(client, user, params, language).content.decode()


@pytest.mark.parametrize("who", ["central", "centre"])
def test_changelist_from_the_memo_is_the_page_django_renders(client, world, monkeypatch, who):
    layout.memo_clear()
    cases = [(u, case, lang) for u in world["users"] for case in CASES for lang in ("fr", "en")]
    # The memo filled by every page first: both people, every case, both languages.
    for user_key, case, language in cases:
        _get(client, world["users"][user_key], _params(world, case), language)
    kept = {key[0] for key in layout._MEMO}
    assert {"candidatures-filters", "candidatures-results-head"} <= kept
    user = world["users"][who]
    for case in CASES:
        for language in ("fr", "en"):
            params = _params(world, case)
            response = _get(client, user, params, language)
            ours = response.content.decode()
            assert _masked(ours) == _masked(_django(client, user, params, language, monkeypatch))
            cl = response.context["cl"]
            typed = {"q", "_facets"} & set(case) or "not a date" in case.values()
            if typed or "<b>typed</b>" in case.values():
                assert cl.memo_key is None, case
            elif not case:
                assert cl.memo_key is not None
    if who == "centre":
        assert "Centre Beta" not in ours


def test_nothing_typed_nor_anybody_named_is_kept(client, world):
    layout.memo_clear()
    for user in world["users"].values():
        for case in CASES:
            for language in ("fr", "en"):
                _get(client, user, _params(world, case), language)
    kept = "".join(layout._MEMO.values())
    for text in ("Quetzal", "QUETZAL", "zephyrine", "Ürsül", "Agent", "typed", "csrf"):
        assert text not in kept
    assert "Centre Alpha" in kept  # the filters are kept, with the centres' names


def test_memo_keys_follow_the_staff_members_scope(client, world):
    """Centre staff and a central administrator never share the filters (their centres and
    programmes differ), and a renamed programme shows on the next page."""
    layout.memo_clear()
    central = _get(client, world["users"]["central"], {}, "fr").context["cl"].memo_key
    centre = _get(client, world["users"]["centre"], {}, "fr").context["cl"].memo_key
    assert central != centre
    programme = world["programme"]
    programme.title = "Master renommé"
    programme.save()
    page = _get(client, world["users"]["centre"], {}, "fr").content.decode()
    assert "Master renommé" in page
