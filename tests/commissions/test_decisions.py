"""Decisions: each kind with what it needs, one application or a selection, audited, and
invisible to the candidate (page, history, mail) until published."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from candidatures.workflow import stage_of
from commissions.models import DecisionDetail, UnfavourableReason
from commissions.services import DecisionIncomplete, commission_decide
from tests.factories import CandidatureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reason(db):
    return UnfavourableReason.objects.create(
        label_fr="Capacité d'accueil atteinte", label_en="The programme is full"
    )


def decide_url(candidature):
    return reverse("commissions:decide", args=[candidature.pk])


def test_a_member_records_a_preselection_with_its_interview(
    client, application, member, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            decide_url(application),
            {
                "decision": "preselected",
                "interview_date": "2027-06-02",
                "interview_time": "10:30",
                "interview_place": "Bâtiment Olympe de Gouges, salle GS 027",
                "q": "sort=name",
            },
        )
    assert response["Location"].endswith("?sort=name")
    application.refresh_from_db()
    assert stage_of(application) == "decided" and application.decision == "preselected"
    detail = DecisionDetail.objects.get(candidature=application)
    assert timezone.localtime(detail.interview_at).strftime("%Y-%m-%d %H:%M") == "2027-06-02 10:30"
    entry = AuditEntry.objects.get(action="decision.record")
    assert entry.actor == member and entry.after["decision"] == "preselected"
    # Nothing reaches the candidate: no mail, no badge, no line in the history.
    assert mailoutbox == []
    client.force_login(application.dossier.user)
    page = client.get(reverse("candidatures:detail", args=[application.pk])).content.decode()
    assert "Présélectionné" not in page and "Décision enregistrée" not in page
    assert "Entretien" not in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "preselected", "interview_date": "2027-06-02"}, "lieu de l’entretien"),
        ({"decision": "unfavourable"}, "demande un motif"),
        ({"decision": "waitlisted"}, "Indiquez le rang"),
        ({"decision": "nonsense"}, "Sélectionnez un choix valide"),
    ],
)
def test_an_incomplete_decision_is_refused_with_its_reason(
    client, application, member, data, message
):
    client.force_login(member)
    response = client.post(decide_url(application), data, follow=True)
    assert message in response.content.decode()
    application.refresh_from_db()
    assert application.decision == ""


def test_unfavourable_needs_a_reason_from_the_list(application, member, reason):
    with pytest.raises(DecisionIncomplete):
        commission_decide(actor=member, candidature=application, decision="unfavourable")
    reason.is_active = False
    reason.save()
    with pytest.raises(DecisionIncomplete):
        commission_decide(
            actor=member, candidature=application, decision="unfavourable", reason=reason
        )
    reason.is_active = True
    reason.save()
    commission_decide(actor=member, candidature=application, decision="unfavourable", reason=reason)
    application.refresh_from_db()
    assert application.decision == "unfavourable"
    assert DecisionDetail.objects.get(candidature=application).reason == reason


def test_waiting_list_needs_a_programme_with_one(client, application, member):
    client.force_login(member)
    response = client.post(
        decide_url(application), {"decision": "waitlisted", "waitlist_rank": "2"}, follow=True
    )
    assert "liste complémentaire" in response.content.decode()
    application.refresh_from_db()
    assert application.decision == ""


def test_a_decision_changes_until_published_and_keeps_only_its_own_details(
    application, member, reason
):
    commission_decide(
        actor=member,
        candidature=application,
        decision="preselected",
        interview_at=timezone.now() + datetime.timedelta(days=3),
        interview_place="Salle 1",
    )
    commission_decide(actor=member, candidature=application, decision="favourable")
    detail = DecisionDetail.objects.get(candidature=application)
    assert (detail.interview_at, detail.interview_place, detail.reason) == (None, "", None)
    assert AuditEntry.objects.filter(action="decision.record").count() == 2


def test_bulk_decision_on_a_selection(
    client, commission, listed_programme, member, outsider, django_capture_on_commit_callbacks
):
    rows = [CandidatureFactory(programme=listed_programme, complete=True) for _ in range(4)]
    foreign = CandidatureFactory(complete=True)
    client.force_login(member)
    # Ticked in this order: ranks follow it.
    selected = [rows[2].pk, rows[0].pk, rows[3].pk, foreign.pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("commissions:bulk"),
            {
                "selected": selected,
                "action": "decide",
                "decision": "waitlisted",
                "waitlist_rank": "3",
            },
            follow=True,
        )
    assert "La décision sur 3 candidatures est en cours d’enregistrement." in (
        response.content.decode()
    )
    for candidature in rows + [foreign]:
        candidature.refresh_from_db()
    assert [(c.decision, c.waitlist_rank) for c in rows] == [
        ("waitlisted", 4),
        ("", None),
        ("waitlisted", 3),
        ("waitlisted", 5),
    ]
    assert foreign.decision == ""


def test_bulk_without_a_selection_says_so(client, application, member):
    client.force_login(member)
    response = client.post(
        reverse("commissions:bulk"), {"action": "decide", "decision": "favourable"}, follow=True
    )
    assert "Cochez d’abord au moins une candidature." in response.content.decode()
