"""The dashboard and the application page render the same HTML as the reference files in
``golden/`` for the same data: a guard for work on their speed, which must not change what a
candidate reads. One candidate with an application at every stage the pages tell apart
(a draft with sent, refused, not-concerned, missing and reusable documents, incomplete with
the staff's comment, received, favourable, waiting list, preselected with an interview,
unfavourable with a reason, confirmed, cancelled), in French and English, at a fixed time.
Ids and tokens are blanked out, and runs of whitespace count as one (what a browser shows).

After a change meant to alter these pages, write the files again with
``ECANDIDAT_WRITE_GOLDEN=1`` and read the diff before committing it."""

import datetime
import os
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from candidatures.models import CandidatureTransition
from commissions.models import DecisionDetail, UnfavourableReason
from pieces.models import PieceStatus
from tests.factories import (
    CampaignFactory,
    CandidatureFactory,
    CentreFactory,
    DossierFactory,
    PieceFactory,
    PieceTypeFactory,
    ProgrammeFactory,
    RequiredPieceFactory,
    UserFactory,
)
from tests.rendered import collapsed as _collapsed
from tests.rendered import normalised as _normalised

from .conftest import fill_sections_to_apply

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
STAGES = [
    "draft",
    "incomplete",
    "received",
    "favourable",
    "waitlisted",
    "preselected",
    "unfavourable",
    "confirmed",
    "cancelled",
]


def _at(days, hours=0):
    return NOW + datetime.timedelta(days=days, hours=hours)


def _programme(centre, n, **fields):
    return ProgrammeFactory(
        **{
            "campaign": CampaignFactory(),
            "centre": centre,
            "code": f"M{n:02d}",
            "title": f"Master « Lettres & langues » n°{n}",
            "opens_at": _at(-10),
            "closes_at": _at(5, 3),
            "return_deadline": _at(12, 5),
            "jury_at": _at(20),
            "publication_at": _at(30, 2),
            "confirmation_deadline": _at(40, 4),
            **fields,
        }
    )


@pytest.fixture
def candidate():
    """The candidate and their applications by stage, made at ``NOW``."""
    with time_machine.travel(NOW, tick=False):
        user = UserFactory(
            email="golden@example.org",
            first_name="Zoé",
            last_name="Dupont-Ærø",
            candidate_number="GOLDEN01",
        )
        dossier = fill_sections_to_apply(DossierFactory(user=user))
        centre = CentreFactory(name="UFR <Lettres> & Langues", contact_email="ufr@example.org")
        cv = PieceTypeFactory(
            label_fr="CV", label_en="CV", order=1, description_fr="Daté.", description_en="Dated."
        )
        identity = PieceTypeFactory(
            label_fr="Pièce d'identité", label_en="Identity document", order=2, shared=True
        )
        grant = PieceTypeFactory(label_fr="Attestation de bourse", label_en="Grant", order=3)
        form = PieceTypeFactory(
            label_fr="Formulaire", label_en="Form", order=4, blank_form="forms/f.pdf"
        )
        letter = PieceTypeFactory(label_fr="Lettre", label_en="Letter", order=5)
        reason = UnfavourableReason.objects.create(label_fr="Prérequis", label_en="Prerequisites")
        RequiredPieceFactory(programme=None, centre=centre, piece_type=letter, conditional=True)
        applications = {}
        for n, stage in enumerate(STAGES):
            programme = _programme(centre, n, has_waiting_list=stage == "waitlisted")
            RequiredPieceFactory(programme=programme, piece_type=cv)
            RequiredPieceFactory(programme=programme, piece_type=identity)
            RequiredPieceFactory(programme=programme, piece_type=grant, conditional=True)
            RequiredPieceFactory(programme=programme, piece_type=form)
            candidature = CandidatureFactory(dossier=dossier, programme=programme, **{stage: True})
            applications[stage] = candidature
            CandidatureTransition.objects.create(
                candidature=candidature,
                event="create",
                actor_kind="candidate",
                to_state="draft",
                at=_at(-3),
                comment="Première ligne\nseconde <ligne>",
            )
        draft, incomplete = applications["draft"], applications["incomplete"]
        PieceFactory(candidature=draft, piece_type=cv, original_name="mon cv.pdf", size=2048)
        PieceFactory(candidature=draft, piece_type=grant, status=PieceStatus.NOT_CONCERNED)
        PieceFactory(candidature=incomplete, piece_type=identity, original_name="id.pdf")
        PieceFactory(
            candidature=incomplete,
            piece_type=cv,
            status=PieceStatus.REFUSED,
            refusal_comment="Illisible : <scan> trop sombre",
        )
        PieceFactory(candidature=incomplete, piece_type=form, status=PieceStatus.PENDING_SCAN)
        for stage in ("received", "favourable", "waitlisted", "confirmed"):
            for piece_type in (cv, identity, form, letter):
                PieceFactory(candidature=applications[stage], piece_type=piece_type)
        applications["waitlisted"].waitlist_rank = 3
        applications["waitlisted"].save()
        DecisionDetail.objects.create(
            candidature=applications["preselected"],
            interview_at=_at(25, 4),
            interview_place="Salle 101 <bâtiment A>",
            updated_at=NOW,
        )
        DecisionDetail.objects.create(
            candidature=applications["unfavourable"], reason=reason, updated_at=NOW
        )
    return user, applications


def _pages(applications):
    yield "dashboard", reverse("candidatures:dashboard")
    for stage, candidature in applications.items():
        yield stage, reverse("candidatures:detail", args=[candidature.pk])


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_pages_render_the_reference_html(client, candidate, language):
    user, applications = candidate
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    write = os.environ.get("ECANDIDAT_WRITE_GOLDEN") == "1"
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        for name, url in _pages(applications):
            response = client.get(url)
            assert response.status_code == 200, (name, response.status_code)
            html = _normalised(response.content.decode())
            path = GOLDEN / f"{name}.{language}.html"
            if write:
                path.parent.mkdir(exist_ok=True)
                path.write_text(html)
                continue
            # Compared with runs of blanks as one: the same for a browser (no <pre> here), and
            # the templates' layout is djlint's.
            assert _collapsed(html) == _collapsed(path.read_text()), f"{path.name} differs"


def _layout_pages(user, applications):
    """The other candidate pages the bench measures, and the home and offer signed out and as
    staff: their HTML is the layout's as much as their own."""
    centre = CentreFactory(name="IUT « Sud » & <Nord>")
    _programme(centre, 90, opens_at=_at(3))  # not open yet
    _programme(centre, 91, opens_at=_at(-20), closes_at=_at(-1))  # closed
    sparse = DossierFactory(
        user=UserFactory(
            first_name="", last_name="", email="s@example.org", candidate_number="SPARSE01"
        )
    )
    staff = UserFactory(staff=True, email="agent@example.org", first_name="Agnès", last_name="Ré")
    for who, person in (("candidate", user), ("sparse", sparse.user), ("staff", staff)):
        yield who, person, "home", reverse("home")
        yield who, person, "offer", reverse("candidatures:offer")
    yield "candidate", user, "dossier", reverse("dossiers:overview")
    yield "sparse", sparse.user, "dossier", reverse("dossiers:overview")
    yield "anonymous", None, "home", reverse("home")
    yield "anonymous", None, "offer", reverse("candidatures:offer")
    yield "candidate", user, "offer-search", reverse("candidatures:offer") + "?q=Lettres"
    # Staff sent home with a message: the layout's messages.
    yield "staff", staff, "home-message", reverse("candidatures:dashboard")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_layout_pages_render_the_reference_html(client, candidate, language):
    """Home, offer and dossier overview as the code before the layout's speed work wrote them
    (``golden/layout-*``): byte for byte once ids and tokens are blanked out."""
    user, applications = candidate
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    write = os.environ.get("ECANDIDAT_WRITE_GOLDEN") == "1"
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        for who, person, name, url in _layout_pages(user, applications):
            client.logout()
            if person is not None:
                client.force_login(person)
            response = client.get(url, follow=name.endswith("-message"))
            assert response.status_code == 200, (who, name, response.status_code)
            html = _normalised(response.content.decode())
            path = GOLDEN / f"layout-{name}.{who}.{language}.html"
            if write:
                path.write_text(html)
                continue
            assert html == path.read_text(), f"{path.name} differs"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_dashboard_rows_written_in_python_are_the_templates(candidate, language):
    """``{% dashboard_rows %}`` against the loop it replaces (``_dashboard_rows.html``), byte
    for byte, for a row at every stage (deadlines, missing sections and documents, escaping)."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from candidatures import selectors
    from candidatures.templatetags.applications import dashboard_rows
    from candidatures.views import _rows

    user, _applications = candidate
    with (
        time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False),
        translation.override(language),
    ):
        rows = _rows(user, user.dossier, selectors.applications_of(user.dossier))
        assert {len(row["missing_items"]) > 0 for row in rows} == {True, False}
        assert {row["deadline"] is None for row in rows} == {True, False}
        # The file's own last newline is not the loop's.
        reference = render_to_string("candidatures/_dashboard_rows.html", {"rows": rows})
        assert dashboard_rows(rows) == reference.removesuffix("\n")
        assert dashboard_rows([]) == ""
