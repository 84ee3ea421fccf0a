"""The application page's documents section written in Python (``pieces.section``) is the
template's (``pieces/_pieces.html``, the reference), once runs of blanks are collapsed: every
state a row can be in (sent, not concerned, missing with a shared copy to reuse, a blank
form, refused with and without a reason, being checked, validated), and the section's own
(the submit button, what is missing, the deadline passed, no document asked), with names
that need escaping, in French, English and a hostile catalogue (``drawn_language``)."""

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

pytestmark = pytest.mark.django_db


def _collapsed(html: str) -> str:
    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1TOKEN", html)
    return re.sub(r"\s+", " ", html)


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
