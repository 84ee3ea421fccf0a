"""The application page's documents section written in Python (``pieces.section``) is the
template's (``pieces/_pieces.html``, the reference), once runs of blanks are collapsed: every
state a row can be in (sent, not concerned, missing with a shared copy to reuse, a blank
form, refused with and without a reason, being checked, validated), and the section's own
(the submit button, what is missing, the deadline passed, no document asked), with names
that need escaping, in French, English and a hostile catalogue (``drawn_language``)."""

import datetime
import re

import pytest
from django.urls import reverse

from pieces import section
from pieces.models import PieceStatus
from tests.factories import (
    CandidatureFactory,
    CentreFactory,
    DossierFactory,
    PieceFactory,
    PieceTypeFactory,
    ProgrammeFactory,
    RequiredPieceFactory,
    UserFactory,
)
from tests.rendered import collapsed, masked

pytestmark = pytest.mark.django_db


def _collapsed(html: str) -> str:
    return collapsed(masked(html))


@pytest.fixture
def pages():
    """(name, user, url) of applications whose documents cover every state."""
    user = UserFactory()
    dossier = DossierFactory(user=user, filled=True)
    centre = CentreFactory(name="Centre <&>")
    kinds = {
        "cv": PieceTypeFactory(label_fr="CV « daté »", label_en="CV 'dated'", order=1),
        "id": PieceTypeFactory(
            label_fr="Pièce d'identité", label_en="Identity <doc>", order=2, shared=True
        ),
        "grant": PieceTypeFactory(
            label_fr="Bourse", label_en="Grant", order=3, description_fr="Si & quand"
        ),
        "form": PieceTypeFactory(label_fr="Formulaire", label_en="Form", blank_form="f/f.pdf"),
        "letter": PieceTypeFactory(label_fr="Lettre", label_en="Letter", order=5),
        "marks": PieceTypeFactory(label_fr="Relevés", label_en="Marks", order=6),
    }
    RequiredPieceFactory(programme=None, centre=centre, piece_type=kinds["letter"])

    def application(name, stage="draft", window="open", **pieces):
        programme = ProgrammeFactory(centre=centre, **{window: True})
        for key in ("cv", "id", "grant", "form", "marks"):
            RequiredPieceFactory(
                programme=programme, piece_type=kinds[key], conditional=key == "grant"
            )
        candidature = CandidatureFactory(dossier=dossier, programme=programme, **{stage: True})
        for key, fields in pieces.items():
            PieceFactory(candidature=candidature, piece_type=kinds[key], **fields)
        return name, user, reverse("candidatures:detail", args=[candidature.pk])

    sent = {"status": PieceStatus.UPLOADED}
    bare = CandidatureFactory(dossier=dossier, programme=ProgrammeFactory())
    return [
        application(
            "draft",
            cv={"original_name": "mon <cv> & « moi ».pdf", "size": 2_300_000},
            grant={"status": PieceStatus.NOT_CONCERNED, "file": "", "original_name": ""},
        ),
        # Every document in: the submit button.
        application(
            "ready",
            **dict.fromkeys(("cv", "id", "form", "letter", "marks"), sent),
            grant={"status": PieceStatus.NOT_CONCERNED, "file": ""},
        ),
        application(
            "incomplete",
            stage="incomplete",
            cv={"status": PieceStatus.REFUSED, "refusal_comment": "Illisible <scan> & flou"},
            grant={"status": PieceStatus.REFUSED, "refusal_comment": ""},
            form={"status": PieceStatus.PENDING_SCAN},
            letter={"status": PieceStatus.VALIDATED, "size": 0},
            id={"original_name": "id.pdf", "size": 5_000},
        ),
        # The return deadline passed: the draft can no longer be submitted.
        application("closed", window="closed", cv=sent),
        application("received", stage="received", cv=sent, id=sent),
        application("favourable", stage="favourable", cv=sent),
        # A programme that asks for nothing (nor does its centre).
        ("none", user, reverse("candidatures:detail", args=[bare.pk])),
    ]


def _render(client, url, language, monkeypatch, *, written):
    monkeypatch.setattr(section, "written", written)
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200
    return response.content.decode()


def test_the_section_written_in_python_is_the_templates(client, pages, monkeypatch, drawn_language):
    language, hostile = drawn_language
    seen = set()
    for name, user, url in pages:
        client.force_login(user)
        reference = _render(client, url, language, monkeypatch, written=False)
        written = _render(client, url, language, monkeypatch, written=True)
        assert _collapsed(written) == _collapsed(reference), name
        seen.update(re.findall(r'<section id="pieces".*?</section>', written, re.S))
    text = " ".join(seen)
    # Each state was drawn (the comparison proves nothing about a state left out).
    for needle in (
        "submit-application",
        "fr-error-text",
        'type="submit"',
        "fr-hint-text",
        "fr-link--icon-left",
        "&lt;scan&gt;",
        "fr-badge--info",
    ):
        assert needle in text, needle
    assert 'href="/candidatures/' in text and "disabled" in text
    if hostile:
        assert "Documents l'<&>\"" in text


def test_a_passed_deadline_and_no_document_are_drawn(client, pages, monkeypatch):
    client.force_login(pages[0][1])
    closed = _render(client, pages[3][2], "en", monkeypatch, written=True)
    assert "The return deadline has passed" in closed
    none = _render(client, pages[-1][2], "en", monkeypatch, written=True)
    assert "This programme asks for no document." in none


def test_the_page_reads_in_one_query_what_two_read(django_assert_num_queries):
    """``_page_rows`` against the two queries it replaces: a type asked by the programme and
    its centre (the programme's row wins), shared copies sent with several other applications
    (the latest is offered), a refused copy elsewhere (not offered), another candidate's copy
    (never), this application's piece of a type no longer asked (not shown)."""
    from django.db.models import Q
    from django.utils import timezone

    from pieces.models import Piece
    from pieces.selectors import _page_rows, required_pieces

    dossier = DossierFactory(filled=True)
    centre = CentreFactory()
    identity = PieceTypeFactory(shared=True, order=1)
    cv = PieceTypeFactory(order=2)
    old = PieceTypeFactory(order=3)
    programme = ProgrammeFactory(centre=centre)
    RequiredPieceFactory(programme=programme, piece_type=identity, conditional=True)
    RequiredPieceFactory(programme=None, centre=centre, piece_type=identity)
    RequiredPieceFactory(programme=programme, piece_type=cv)
    draft = CandidatureFactory(dossier=dossier, programme=programme)
    PieceFactory(candidature=draft, piece_type=cv)
    PieceFactory(candidature=draft, piece_type=old)
    now = timezone.now()
    for days, status in ((3, PieceStatus.UPLOADED), (1, PieceStatus.UPLOADED), (0, "refused")):
        PieceFactory(
            candidature=CandidatureFactory(dossier=dossier),
            piece_type=identity,
            status=status,
            uploaded_at=now - datetime.timedelta(days=days),
            original_name=f"{days}.pdf",
        )
    PieceFactory(piece_type=identity, uploaded_at=now)  # another candidate's
    draft = type(draft).objects.select_related("programme").get(pk=draft.pk)

    with django_assert_num_queries(1):
        requirements, pieces, shared = _page_rows(draft)
    expected = required_pieces(draft.programme)
    assert [(r.pk, r.piece_type.label, r.is_conditional) for r in requirements] == [
        (r.pk, r.piece_type.label, r.is_conditional) for r in expected
    ]
    assert requirements[0].is_conditional  # the programme's row
    reference = Piece.objects.filter(candidature__dossier_id=dossier.pk).filter(
        Q(candidature_id=draft.pk) | Q(piece_type__shared=True, status=PieceStatus.UPLOADED)
    )
    latest = {}
    for piece in reference.order_by("-uploaded_at", "-pk"):
        if piece.candidature_id != draft.pk:
            latest.setdefault(piece.piece_type_id, piece)
    assert {k: p.pk for k, p in shared.items()} == {identity.pk: latest[identity.pk].pk}
    assert shared[identity.pk].original_name == "1.pdf"
    assert {k: p.pk for k, p in pieces.items()} == {cv.pk: draft.pieces.get(piece_type=cv).pk}
