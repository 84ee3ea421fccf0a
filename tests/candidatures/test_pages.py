"""The candidate's pages: offer, apply, dashboard, application, cancel, PDF copy."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from pypdf import PdfReader

from candidatures.models import Candidature, CandidatureTransition, Status
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

from .conftest import fill_sections_to_apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return CampaignFactory(is_active=True)


@pytest.fixture
def candidate(client, ready_dossier):
    client.force_login(ready_dossier.user)
    return ready_dossier


def test_offer_is_a_tree_with_windows_and_search(client, campaign):
    centre = CentreFactory(name="Service de la formation continue")
    ProgrammeFactory(campaign=campaign, centre=centre, title="Formations diplômantes", open=True)
    ProgrammeFactory(campaign=campaign, centre=centre, title="Reprise des études", future=True)
    ProgrammeFactory(campaign=campaign, title="Master Histoire", closed=True)
    ProgrammeFactory(campaign=CampaignFactory(archived=True), title="Ancienne campagne", open=True)
    page = client.get(reverse("candidatures:offer")).content.decode()
    assert "<details" in page and "Service de la formation continue" in page
    assert "Formations diplômantes" in page and "Master Histoire" in page
    assert "Ancienne campagne" not in page
    assert page.count("Ouverte") >= 1 and "Pas encore ouverte" in page and "Fermée" in page
    found = client.get(reverse("candidatures:offer"), {"q": "reprise continue"}).content.decode()
    assert "Reprise des études" in found
    assert "Formations diplômantes" not in found and "Master Histoire" not in found


def test_apply_creates_a_draft_after_a_confirm_step(
    client, campaign, candidate, mailoutbox, django_capture_on_commit_callbacks
):
    programme = ProgrammeFactory(campaign=campaign, open=True, title="Formations diplômantes")
    url = reverse("candidatures:apply", args=[programme.pk])
    confirm = client.get(url)
    assert "Confirmer ma candidature" in confirm.content.decode()
    assert not Candidature.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    candidature = Candidature.objects.get()
    assert response.url == reverse("candidatures:detail", args=[candidature.pk])
    assert (candidature.dossier, candidature.status) == (candidate, Status.DRAFT)
    assert [m.to for m in mailoutbox] == [[candidate.user.email]]


def test_apply_to_a_closed_programme_is_refused_with_a_message(client, campaign, candidate):
    programme = ProgrammeFactory(campaign=campaign, closed=True)
    page = client.get(reverse("candidatures:apply", args=[programme.pk])).content.decode()
    assert "pas ouvertes" in page
    response = client.post(reverse("candidatures:apply", args=[programme.pk]), follow=True)
    assert not Candidature.objects.exists()
    assert "La date limite pour cette action est dépassée." in response.content.decode()


def test_apply_with_an_incomplete_dossier_says_what_is_missing(client, campaign):
    dossier = DossierFactory()
    client.force_login(dossier.user)
    programme = ProgrammeFactory(campaign=campaign, open=True)
    page = client.get(reverse("candidatures:apply", args=[programme.pk])).content.decode()
    assert "Informations personnelles" in page
    client.post(reverse("candidatures:apply", args=[programme.pk]))
    assert not Candidature.objects.exists()


def test_dashboard_costs_few_queries_whatever_the_number(
    client, campaign, candidate, django_assert_num_queries
):
    """30 applications with 10 required documents each, 9 of them sent: still 5 queries (user,
    dossier, applications, requirements, pieces)."""
    centre = CentreFactory()
    types = [PieceTypeFactory(label_fr=f"Pièce {n}") for n in range(10)]
    for _ in range(30):
        programme = ProgrammeFactory(campaign=campaign, centre=centre, open=True)
        candidature = CandidatureFactory(dossier=candidate, programme=programme)
        for piece_type in types:
            RequiredPieceFactory(programme=programme, piece_type=piece_type)
        for piece_type in types[:9]:
            PieceFactory(candidature=candidature, piece_type=piece_type)
    with django_assert_num_queries(5):
        response = client.get(reverse("candidatures:dashboard"))
    page = response.content.decode()
    assert page.count('href="/candidatures/') >= 30
    assert page.count("<li>Pièce 9</li>") == 30
    assert "<li>Pièce 0</li>" not in page


def test_application_page_shows_status_history_and_is_private(client, campaign, candidate):
    programme = ProgrammeFactory(campaign=campaign, open=True)
    client.post(reverse("candidatures:apply", args=[programme.pk]))
    candidature = Candidature.objects.get()
    page = client.get(reverse("candidatures:detail", args=[candidature.pk])).content.decode()
    assert "En attente" in page and "Candidature créée" in page
    other = fill_sections_to_apply(DossierFactory())
    client.force_login(other.user)
    assert client.get(reverse("candidatures:detail", args=[candidature.pk])).status_code == 404
    assert client.get(reverse("candidatures:pdf_copy", args=[candidature.pk])).status_code == 404
    assert client.post(reverse("candidatures:cancel", args=[candidature.pk])).status_code == 404


def test_application_page_query_count(client, campaign, candidate, django_assert_num_queries):
    candidature = CandidatureFactory(
        dossier=candidate, programme=ProgrammeFactory(campaign=campaign, open=True)
    )
    for _ in range(10):
        CandidatureTransition.objects.create(
            candidature=candidature,
            event="create",
            actor_kind="candidate",
            to_state="draft",
            at=candidature.created_at,
        )
    # user, application, dossier, history, the requirements with their documents
    with django_assert_num_queries(5):
        client.get(reverse("candidatures:detail", args=[candidature.pk]))


def test_cancel_draft_after_confirmation(
    client, campaign, candidate, mailoutbox, django_capture_on_commit_callbacks
):
    programme = ProgrammeFactory(campaign=campaign, open=True)
    client.post(reverse("candidatures:apply", args=[programme.pk]))
    candidature = Candidature.objects.get()
    url = reverse("candidatures:cancel", args=[candidature.pk])
    assert "définitive" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    candidature.refresh_from_db()
    assert candidature.status == Status.CANCELLED
    assert [m.to for m in mailoutbox] == [[candidate.user.email]]
    # Once submitted (or cancelled), there is nothing left to cancel.
    response = client.post(url, follow=True)
    assert "pas possible" in response.content.decode()


def test_submitted_application_cannot_be_cancelled(client, campaign, candidate):
    candidature = CandidatureFactory(
        dossier=candidate, programme=ProgrammeFactory(campaign=campaign, open=True), received=True
    )
    client.post(reverse("candidatures:cancel", args=[candidature.pk]))
    candidature.refresh_from_db()
    assert candidature.status == Status.RECEIVED


@pytest.mark.parametrize(
    ("language", "label"), [("fr", "Statut du dossier"), ("en", "File status")]
)
def test_pdf_copy_in_the_candidates_language(client, campaign, candidate, language, label):
    candidature = CandidatureFactory(
        dossier=candidate,
        programme=ProgrammeFactory(campaign=campaign, open=True, title="Reprise d'études"),
    )
    response = client.get(
        reverse("candidatures:pdf_copy", args=[candidature.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Reprise d'études" in text
    assert label in text
    assert candidate.number in text
    assert candidate.personal_info.birth_name in text


def test_staff_are_sent_to_the_administration(client):
    client.force_login(UserFactory(staff=True))
    assert client.get(reverse("candidatures:dashboard")).url == reverse("home")


def test_offer_in_english(client, campaign):
    ProgrammeFactory(campaign=campaign, open=True)
    page = client.get(reverse("candidatures:offer"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Programmes on offer" in page and "Apply" in page


@pytest.mark.parametrize(("choice", "stage"), [("confirm", "confirmed"), ("withdraw", "withdrawn")])
def test_favourable_decision_is_confirmed_or_withdrawn_after_a_confirm_step(
    client, candidate, choice, stage, mailoutbox, django_capture_on_commit_callbacks
):
    from candidatures.workflow import stage_of

    candidature = CandidatureFactory(dossier=candidate, favourable=True)
    detail = client.get(reverse("candidatures:detail", args=[candidature.pk])).content.decode()
    assert "Confirmation candidature" in detail and "Désistement candidature" in detail
    url = reverse(f"candidatures:{choice}", args=[candidature.pk])
    assert (
        "définitif" in client.get(url).content.decode()
        or "définitive" in client.get(url).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    candidature.refresh_from_db()
    assert stage_of(candidature) == stage
    assert [m.to for m in mailoutbox] == [[candidate.user.email]]
    # The same answer twice is refused with a message (a confirmed place may still be given
    # up: test_confirmed_place_can_be_given_up_after_the_deadline).
    response = client.post(url, follow=True)
    assert "pas possible" in response.content.decode()


def test_confirmed_place_can_be_given_up_after_the_deadline(
    client, candidate, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    from candidatures.workflow import stage_of

    candidature = CandidatureFactory(dossier=candidate, confirmed=True)
    time_machine.move_to(
        candidature.programme.confirmation_deadline_for(candidature) + timedelta(days=3),
        tick=False,
    )
    client.force_login(candidate.user)  # the session ran out during the travel
    detail = client.get(reverse("candidatures:detail", args=[candidature.pk])).content.decode()
    assert "Renoncer à ma place" in detail
    url = reverse("candidatures:withdraw", args=[candidature.pk])
    assert "Date limite" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    candidature.refresh_from_db()
    assert stage_of(candidature) == "withdrawn" and not candidature.withdrawn_automatically
    assert [m.to for m in mailoutbox] == [[candidate.user.email]]


def test_answer_after_the_deadline_is_refused(client, candidate, time_machine):
    candidature = CandidatureFactory(dossier=candidate, favourable=True)
    deadline = candidature.programme.confirmation_deadline_for(candidature)
    time_machine.move_to(deadline, tick=False)
    client.force_login(candidate.user)  # the earlier session has expired by then
    response = client.post(reverse("candidatures:confirm", args=[candidature.pk]), follow=True)
    assert "dépassée" in response.content.decode()
    candidature.refresh_from_db()
    assert candidature.answer == ""


def test_nothing_to_answer_before_a_favourable_decision(client, candidate):
    candidature = CandidatureFactory(dossier=candidate, received=True)
    page = client.get(reverse("candidatures:detail", args=[candidature.pk])).content.decode()
    assert "Confirmation candidature" not in page
    response = client.get(reverse("candidatures:confirm", args=[candidature.pk]), follow=True)
    assert "Rien à répondre" in response.content.decode()
    other = fill_sections_to_apply(DossierFactory())
    client.force_login(other.user)
    assert client.post(reverse("candidatures:confirm", args=[candidature.pk])).status_code == 404
