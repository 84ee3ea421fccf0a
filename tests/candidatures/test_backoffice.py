"""The back office's application pages, as a centre's staff member uses them: the list (names,
filters, search, refused documents, a fixed number of queries), the application page (dossier,
documents, history in words, notes, own deadlines), the statistics, and the pieces list."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from candidatures.models import StaffNote, Status
from candidatures.workflow import DeadlinePassed, candidature_resubmit
from pieces.models import PieceStatus
from tests.factories import (
    CandidatureFactory,
    CentreFactory,
    PieceFactory,
    ProgrammeFactory,
    centre_staff,
)
from tests.pieces.conftest import media  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:candidatures_candidature_changelist")


@pytest.fixture
def centre():
    return CentreFactory(name="UFR de Psychologie")


@pytest.fixture
def staff_client(client, centre):
    client.force_login(centre_staff(centre))
    return client


def page_of(response):
    assert response.status_code == 200
    return response.content.decode()


def test_list_shows_names_and_refused_documents_in_the_same_queries_at_20_and_200(
    staff_client, centre, django_assert_num_queries
):
    programme = ProgrammeFactory(centre=centre)
    counts = []
    for total in (20, 200):
        while programme.candidatures.count() < total:
            candidature = CandidatureFactory(received=True, programme=programme)
            PieceFactory(candidature=candidature, status=PieceStatus.REFUSED)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            page = page_of(staff_client.get(CHANGELIST + "?all="))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_num_queries(counts[0]):
        staff_client.get(CHANGELIST)
    assert counts[0] <= 10
    candidature = programme.candidatures.select_related("dossier__user").first()
    assert candidature.dossier.user.last_name.upper() in page
    assert candidature.dossier.number in page


def test_search_by_name_email_number_and_ine(staff_client, centre):
    wanted = CandidatureFactory(
        received=True,
        programme__centre=centre,
        dossier__user__last_name="Fournier",
        dossier__user__email="lucas.fournier@example.org",
    )
    # the factory filled the dossier: the INE goes on its personal information
    wanted.dossier.personal_info.ine = "0312345678X"
    wanted.dossier.personal_info.save()
    CandidatureFactory(received=True, programme__centre=centre, dossier__user__last_name="Blanc")
    for term in ("fournier", "lucas.fournier@example.org", wanted.dossier.number, "0312345678X"):
        page = page_of(staff_client.get(CHANGELIST, {"q": term}))
        assert "FOURNIER" in page and "BLANC" not in page, term


def test_filters_refused_documents_and_submission_dates(staff_client, centre):
    programme = ProgrammeFactory(centre=centre)
    refused = CandidatureFactory(
        received=True, programme=programme, dossier__user__last_name="Refuse"
    )
    PieceFactory(candidature=refused, status=PieceStatus.REFUSED)
    early = CandidatureFactory(
        received=True,
        programme=programme,
        dossier__user__last_name="Tot",
        # 00:30 in Paris, the day before in UTC: the filter takes days as staff read them.
        submitted_at=datetime(2026, 3, 10, 23, 30, tzinfo=UTC),
    )
    page = page_of(staff_client.get(CHANGELIST, {"refused": "yes"}))
    assert "REFUSE" in page and "TOT" not in page
    page = page_of(staff_client.get(CHANGELIST, {"refused": "no"}))
    assert "TOT" in page and "REFUSE" not in page
    day = timezone.localdate(early.submitted_at).isoformat()
    assert day == "2026-03-11"
    page = page_of(
        staff_client.get(CHANGELIST, {"submitted_at_since": day, "submitted_at_until": day})
    )
    assert "TOT" in page and "REFUSE" not in page
    page = page_of(staff_client.get(CHANGELIST, {"submitted_at_since": "not a date"}))
    assert "AAAA-MM-JJ" in page  # a clear message, every application still listed
    assert "TOT" in page and "REFUSE" in page


def test_filters_offer_only_the_staff_members_centres(staff_client, centre):
    ProgrammeFactory(centre=centre, title="Licence 3 Psychologie")
    ProgrammeFactory(centre=centre, title="Master Psychologie sociale")
    other = CentreFactory(name="IUT de Blagnac")
    ProgrammeFactory(centre=other, title="BUT Informatique")
    page = page_of(staff_client.get(CHANGELIST))
    assert "Licence 3 Psychologie" in page
    assert "BUT Informatique" not in page and "IUT de Blagnac" not in page


def test_application_page_in_a_fixed_number_of_queries(
    staff_client,
    centre,
    django_assert_num_queries,
    media,  # noqa: F811
):
    """Whatever the number of pieces and transitions."""
    from tests.factories import PieceTypeFactory, RequiredPieceFactory

    counts = []
    from django.contrib.contenttypes.models import ContentType

    from candidatures.models import Candidature

    ContentType.objects.get_for_model(Candidature)  # a cache, filled once per process
    for pieces in (1, 8):
        candidature = CandidatureFactory(received=True, programme__centre=centre)
        for _ in range(pieces):
            piece_type = PieceTypeFactory()
            RequiredPieceFactory(programme=candidature.programme, piece_type=piece_type)
            PieceFactory(candidature=candidature, piece_type=piece_type)
        url = reverse("admin:candidatures_candidature_change", args=[candidature.pk])
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            page = page_of(staff_client.get(url))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_num_queries(counts[0]):
        staff_client.get(url)
    for words in ("Informations personnelles", "Pièces justificatives", "Historique"):
        assert words in page


def test_refusing_without_a_reason_says_so_and_changes_nothing(
    staff_client,
    centre,
    media,  # noqa: F811
):
    candidature = CandidatureFactory(received=True, programme__centre=centre)
    piece = PieceFactory(candidature=candidature)
    url = reverse("admin:pieces_piece_review", args=[piece.pk])
    response = staff_client.post(url, {"verdict": "refuse", "reason": "  "}, follow=True)
    assert "Indiquez le motif du refus" in response.content.decode()
    piece.refresh_from_db()
    assert piece.status == PieceStatus.UPLOADED and not AuditEntry.objects.exists()


def test_notes_are_kept_and_audited(staff_client, centre):
    candidature = CandidatureFactory(received=True, programme__centre=centre)
    url = reverse("admin:candidatures_candidature_note", args=[candidature.pk])
    staff_client.post(url, {"text": "Appelé le 2/12 : envoie son relevé"})
    note = StaffNote.objects.get()
    assert note.text == "Appelé le 2/12 : envoie son relevé"
    assert AuditEntry.objects.filter(action="note.add", object_id=str(candidature.pk)).exists()
    page = page_of(
        staff_client.get(reverse("admin:candidatures_candidature_change", args=[candidature.pk]))
    )
    assert "Appelé le 2/12" in page and "Note ajoutée" in page


def test_own_return_deadline_is_honoured_by_the_workflow(staff_client, centre):
    candidature = CandidatureFactory(incomplete=True, programme__centre=centre)
    programme = candidature.programme
    later = (programme.return_deadline + timedelta(days=5)).replace(microsecond=0)
    url = reverse("admin:candidatures_candidature_deadlines", args=[candidature.pk])
    response = staff_client.post(
        url,
        {
            "return_deadline_0": timezone.localtime(later).strftime("%d/%m/%Y"),
            "return_deadline_1": timezone.localtime(later).strftime("%H:%M:%S"),
            "reason": "Hospitalisée pendant la campagne",
        },
        follow=True,
    )
    assert "dates limites propres au candidat sont enregistrées" in response.content.decode()
    candidature.refresh_from_db()
    assert candidature.return_deadline == later
    entry = AuditEntry.objects.get(action="deadlines.override")
    assert entry.comment == "Hospitalisée pendant la campagne"
    user = candidature.dossier.user
    with time_machine.travel(programme.return_deadline + timedelta(days=1)):
        candidature_resubmit(candidature=candidature, actor=user)  # the own deadline holds
    candidature.refresh_from_db()
    assert candidature.status == Status.RECEIVED
    other = CandidatureFactory(incomplete=True, programme=programme)
    with (
        time_machine.travel(programme.return_deadline + timedelta(days=1)),
        pytest.raises(DeadlinePassed),
    ):
        candidature_resubmit(candidature=other, actor=other.dossier.user)


def test_an_own_deadline_before_the_programmes_is_refused(staff_client, centre):
    candidature = CandidatureFactory(incomplete=True, programme__centre=centre)
    earlier = candidature.programme.return_deadline - timedelta(days=2)
    response = staff_client.post(
        reverse("admin:candidatures_candidature_deadlines", args=[candidature.pk]),
        {
            "return_deadline_0": timezone.localtime(earlier).strftime("%d/%m/%Y"),
            "return_deadline_1": "09:00:00",
            "reason": "Erreur",
        },
        follow=True,
    )
    assert "ne peut pas précéder celle de la formation" in response.content.decode()
    candidature.refresh_from_db()
    assert candidature.return_deadline_override is None


def test_statistics_count_per_programme_for_the_staff_members_centres(staff_client, centre):
    programme = ProgrammeFactory(centre=centre, code="PSY-L3", title="Licence 3")
    CandidatureFactory.create_batch(3, received=True, programme=programme)
    CandidatureFactory(complete=True, decision="favourable", programme=programme)
    CandidatureFactory.create_batch(
        4, received=True, programme=ProgrammeFactory(title="Ailleurs", code="IUT-1")
    )
    page = page_of(staff_client.get(reverse("admin:candidatures_candidature_statistics")))
    assert "PSY-L3 Licence 3" in page and "Ailleurs" not in page
    row = page.split("PSY-L3 Licence 3")[1].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in row.split("<td>")[2:]]
    # total, then draft, received, complete, incomplete, cancelled, then the decisions
    assert cells[:4] == ["4", "0", "3", "1"]


def test_pieces_list_is_read_only_and_searchable(staff_client, centre, media):  # noqa: F811
    candidature = CandidatureFactory(
        received=True, programme__centre=centre, dossier__user__last_name="Mercier"
    )
    piece = PieceFactory(candidature=candidature)
    changelist = reverse("admin:pieces_piece_changelist")
    assert "MERCIER" in page_of(staff_client.get(changelist, {"q": "mercier"}))
    assert "MERCIER" not in page_of(staff_client.get(changelist, {"q": "personne"}))
    url = reverse("admin:pieces_piece_change", args=[piece.pk])
    page = page_of(staff_client.get(url))
    assert 'name="_save"' not in page and "statut de la pièce" in page.lower()
    staff_client.post(url, {"status": "refused", "refusal_comment": ""})
    piece.refresh_from_db()
    assert piece.status == PieceStatus.UPLOADED


def test_bulk_reminder_lists_what_is_missing_once_a_day(
    staff_client, centre, mailoutbox, django_capture_on_commit_callbacks
):
    from candidatures.models import BulkOperation
    from tests.factories import PieceTypeFactory, RequiredPieceFactory

    draft = CandidatureFactory(programme__centre=centre)
    RequiredPieceFactory(
        programme=draft.programme, piece_type=PieceTypeFactory(label_fr="Lettre de motivation")
    )
    received = CandidatureFactory(received=True, programme=draft.programme)
    data = {"action": "send_reminder", "_selected_action": [draft.pk, received.pk]}
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(CHANGELIST, data)
    assert [m.to for m in mailoutbox] == [[draft.dossier.user.email]]
    assert "Il manque encore :\n- Lettre de motivation" in mailoutbox[0].body
    operation = BulkOperation.objects.first()
    assert operation.done == 1
    assert operation.refusals[0]["id"] == received.pk
    assert "Seule une candidature pas encore transmise" in operation.refusals[0]["reason"]
    assert AuditEntry.objects.filter(action="reminder.send").count() == 2


def test_staff_transitions_are_in_the_audit_log_too(centre):
    from candidatures.workflow import candidature_mark_complete

    candidature = CandidatureFactory(received=True, programme__centre=centre)
    staff = centre_staff(centre)
    candidature_mark_complete(candidature=candidature, actor=staff)
    entry = AuditEntry.objects.get(action="application.mark_complete")
    assert entry.actor == staff
    assert (entry.before, entry.after) == ({"stage": "received"}, {"stage": "complete"})
