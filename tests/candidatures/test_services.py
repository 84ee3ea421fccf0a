"""Guards beyond the table: dates (time-machine), applying, comments, decisions, mails."""

from datetime import timedelta

import pytest
from django.utils import timezone

from candidatures import workflow
from candidatures.models import Candidature, CandidatureTransition
from candidatures.workflow import (
    SERVICES,
    TRANSITIONS,
    ActorNotAllowed,
    AlreadyApplied,
    ApplicationCapReached,
    CommentRequired,
    DeadlinePassed,
    DossierIncomplete,
    InvalidDecision,
    NotYetOpen,
    Stage,
    TransitionNotAllowed,
    candidature_cancel,
    candidature_confirm,
    candidature_create,
    candidature_decide,
    candidature_mark_incomplete,
    candidature_promote,
    candidature_publish,
    candidature_submit,
    date_for,
    stage_of,
)
from dossiers.models import Section
from notifications.models import Outbox
from tests.factories import (
    CampaignFactory,
    CandidatureFactory,
    CentreFactory,
    DossierFactory,
    ProgrammeFactory,
    RequiredPieceFactory,
)

from .test_workflow_table import EXTRA

pytestmark = pytest.mark.django_db


def _allowed_case(rule):
    """A (source stage, actor kind) the table allows for this rule, its dates binding."""
    return sorted(rule.deadline_binds or rule.sources)[0], sorted(rule.actors)[0]


DATED = [(event, rule) for event, rule in TRANSITIONS.items() if rule.before or rule.not_before]


@pytest.mark.parametrize(("event", "rule"), DATED, ids=[e for e, _r in DATED])
def test_dated_events_refused_outside_their_dates(event, rule, actor_of, time_machine, mailoutbox):
    stage, kind = _allowed_case(rule)
    candidature = CandidatureFactory(**{stage.value: True})
    actor = actor_of(kind, candidature)
    if rule.before:
        time_machine.move_to(date_for(candidature, rule.before), tick=False)
        expected = DeadlinePassed
    else:
        time_machine.move_to(
            date_for(candidature, rule.not_before) - timedelta(seconds=1), tick=False
        )
        expected = NotYetOpen
    with pytest.raises(expected):
        SERVICES[event](candidature=candidature, actor=actor, **EXTRA.get(event, {}))
    candidature.refresh_from_db()
    assert stage_of(candidature) == stage
    assert not CandidatureTransition.objects.exists()


def test_confirmation_deadline_in_days_runs_from_publication(time_machine):
    programme = ProgrammeFactory(confirmation_deadline=None, confirmation_days=7)
    candidature = CandidatureFactory(programme=programme, favourable=True)
    published = candidature.decision_published_at
    assert date_for(candidature, "confirmation_deadline") == published + timedelta(days=7)
    time_machine.move_to(published + timedelta(days=7), tick=False)
    with pytest.raises(DeadlinePassed):
        candidature_confirm(candidature=candidature, actor=candidature.dossier.user)
    workflow.candidature_expire(candidature=candidature)
    candidature.refresh_from_db()
    assert (candidature.answer, candidature.withdrawn_automatically) == ("withdrawn", True)


def test_promotion_restarts_the_days_to_confirm(time_machine, staff_user):
    programme = ProgrammeFactory(confirmation_deadline=None, confirmation_days=3)
    candidature = CandidatureFactory(programme=programme, waitlisted=True)
    time_machine.move_to(timezone.now() + timedelta(days=10), tick=False)
    candidature_promote(candidature=candidature, actor=staff_user)
    assert candidature.waitlist_rank is None
    assert date_for(candidature, "confirmation_deadline") == timezone.now() + timedelta(days=3)
    candidature_confirm(candidature=candidature, actor=candidature.dossier.user)
    assert stage_of(candidature) == Stage.CONFIRMED


def test_submit_freezes_personal_info_and_mails(mailoutbox, django_capture_on_commit_callbacks):
    candidature = CandidatureFactory()
    with django_capture_on_commit_callbacks(execute=True):
        candidature_submit(candidature=candidature, actor=candidature.dossier.user)
    candidature.dossier.refresh_from_db()
    assert candidature.dossier.personal_info_frozen
    assert candidature.submitted_at is not None
    assert [m.to for m in mailoutbox] == [[candidature.dossier.user.email]]
    assert "réceptionnée" in mailoutbox[0].subject


def test_refused_submission_leaves_the_dossier_editable(mailoutbox):
    """Through the real wiring: the documents app answers what is missing."""
    candidature = CandidatureFactory()
    RequiredPieceFactory(programme=candidature.programme, piece_type__label_fr="Relevé de notes")
    with pytest.raises(DossierIncomplete) as error:
        candidature_submit(candidature=candidature, actor=candidature.dossier.user)
    assert "Relevé de notes" in str(error.value.message)
    candidature.refresh_from_db()
    candidature.dossier.refresh_from_db()
    assert candidature.status == "draft"
    assert not candidature.dossier.personal_info_frozen


def test_another_candidate_cannot_act():
    candidature = CandidatureFactory()
    with pytest.raises(ActorNotAllowed):
        candidature_cancel(candidature=candidature, actor=DossierFactory().user)


def test_claimed_kind_is_checked(staff_user, commission_member):
    candidature = CandidatureFactory(complete=True)
    commission_member.examines(candidature.programme)
    with pytest.raises(ActorNotAllowed):
        candidature_decide(
            candidature=candidature,
            actor=staff_user,
            decision="favourable",
            actor_kind="commission",
        )
    candidature_decide(
        candidature=candidature,
        actor=commission_member,
        decision="favourable",
        actor_kind="commission",
    )
    assert stage_of(candidature) == Stage.DECIDED


def test_mark_incomplete_needs_a_comment(
    staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    candidature = CandidatureFactory(received=True)
    with pytest.raises(CommentRequired):
        candidature_mark_incomplete(candidature=candidature, actor=staff_user, comment="  ")
    with django_capture_on_commit_callbacks(execute=True):
        candidature_mark_incomplete(
            candidature=candidature, actor=staff_user, comment="Pièce d'identité illisible"
        )
    candidature.refresh_from_db()
    assert candidature.incomplete_comment == "Pièce d'identité illisible"
    assert "Pièce d'identité illisible" in mailoutbox[0].body
    assert CandidatureTransition.objects.get().comment == "Pièce d'identité illisible"


def test_waitlist_decision_needs_a_rank_and_a_waiting_list(commission_member):
    candidature = CandidatureFactory(complete=True)
    commission_member.examines(candidature.programme)
    with pytest.raises(InvalidDecision):
        candidature_decide(
            candidature=candidature, actor=commission_member, decision="waitlisted", waitlist_rank=2
        )
    candidature.programme.has_waiting_list = True
    candidature.programme.save()
    with pytest.raises(InvalidDecision):
        candidature_decide(candidature=candidature, actor=commission_member, decision="waitlisted")
    candidature_decide(
        candidature=candidature, actor=commission_member, decision="waitlisted", waitlist_rank=2
    )
    candidature.refresh_from_db()
    assert (candidature.decision, candidature.waitlist_rank) == ("waitlisted", 2)


def test_published_decision_mail_says_decision_and_deadline(
    staff_user, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    candidature = CandidatureFactory(decided=True)
    candidature.dossier.user.language = "en"
    candidature.dossier.user.save()
    time_machine.move_to(candidature.programme.publication_at, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        candidature_publish(candidature=candidature, actor=None)
    (mail,) = mailoutbox
    assert mail.subject.startswith("[ecandidat] Decision on your application")
    assert "favourable decision" in mail.body
    assert "Confirm or withdraw in ecandidat before" in mail.body
    ((name, content, mimetype),) = mail.attachments
    assert name.startswith("admission-") and mimetype == "application/pdf"
    assert content.startswith(b"%PDF-")


def test_centre_contact_gets_a_copy_when_asked(mailoutbox, django_capture_on_commit_callbacks):
    centre = CentreFactory(copy_mails_to_contact=True, contact_email="fc@univ.example.org")
    candidature = CandidatureFactory(programme__centre=centre)
    with django_capture_on_commit_callbacks(execute=True):
        candidature_cancel(candidature=candidature, actor=candidature.dossier.user)
    assert mailoutbox[0].cc == ["fc@univ.example.org"]


def test_rolled_back_transition_sends_nothing(mailoutbox, django_capture_on_commit_callbacks):
    from django.db import transaction

    candidature = CandidatureFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                candidature_cancel(candidature=candidature, actor=candidature.dossier.user)
                raise RuntimeError("later failure")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mailoutbox == []
    candidature.refresh_from_db()
    assert candidature.status == "draft"


def test_archived_campaign_is_read_only():
    candidature = CandidatureFactory(programme__campaign=CampaignFactory(archived=True))
    with pytest.raises(TransitionNotAllowed):
        candidature_cancel(candidature=candidature, actor=candidature.dossier.user)


# --- Applying -------------------------------------------------------------------------------


def test_apply_creates_a_draft_with_audit_and_mail(
    ready_dossier, mailoutbox, django_capture_on_commit_callbacks
):
    programme = ProgrammeFactory(title="Reprise d'études")
    with django_capture_on_commit_callbacks(execute=True):
        candidature = candidature_create(
            dossier=ready_dossier, programme=programme, actor=ready_dossier.user
        )
    assert stage_of(candidature) == Stage.DRAFT
    transition = CandidatureTransition.objects.get(candidature=candidature)
    assert (transition.event, transition.from_state, transition.to_state) == ("create", "", "draft")
    assert mailoutbox[0].to == [ready_dossier.user.email]
    assert "Reprise d'études" in mailoutbox[0].body


@pytest.mark.parametrize(("trait", "error"), [("future", NotYetOpen), ("closed", DeadlinePassed)])
def test_apply_only_inside_the_window(ready_dossier, trait, error):
    programme = ProgrammeFactory(**{trait: True})
    with pytest.raises(error):
        candidature_create(dossier=ready_dossier, programme=programme, actor=ready_dossier.user)
    assert not Candidature.objects.exists()


def test_window_bounds(ready_dossier, time_machine):
    programme = ProgrammeFactory()
    time_machine.move_to(programme.closes_at, tick=False)
    with pytest.raises(DeadlinePassed):
        candidature_create(dossier=ready_dossier, programme=programme, actor=ready_dossier.user)
    time_machine.move_to(programme.opens_at, tick=False)
    candidature_create(dossier=ready_dossier, programme=programme, actor=ready_dossier.user)


def test_apply_once_per_programme_even_after_cancelling(ready_dossier):
    programme = ProgrammeFactory()
    candidature = candidature_create(
        dossier=ready_dossier, programme=programme, actor=ready_dossier.user
    )
    candidature_cancel(candidature=candidature, actor=ready_dossier.user)
    with pytest.raises(AlreadyApplied):
        candidature_create(dossier=ready_dossier, programme=programme, actor=ready_dossier.user)


def test_centre_cap_counts_live_applications_only(ready_dossier):
    centre = CentreFactory(max_applications=1)
    first = candidature_create(
        dossier=ready_dossier, programme=ProgrammeFactory(centre=centre), actor=ready_dossier.user
    )
    with pytest.raises(ApplicationCapReached):
        candidature_create(
            dossier=ready_dossier,
            programme=ProgrammeFactory(centre=centre),
            actor=ready_dossier.user,
        )
    # another centre is not capped by this one
    candidature_create(
        dossier=ready_dossier, programme=ProgrammeFactory(), actor=ready_dossier.user
    )
    candidature_cancel(candidature=first, actor=ready_dossier.user)
    candidature_create(
        dossier=ready_dossier, programme=ProgrammeFactory(centre=centre), actor=ready_dossier.user
    )


def test_apply_needs_the_first_sections_unless_optional():
    dossier = DossierFactory()
    programme = ProgrammeFactory()
    with pytest.raises(DossierIncomplete) as error:
        candidature_create(dossier=dossier, programme=programme, actor=dossier.user)
    assert [str(label) for label in error.value.missing] == [
        str(Section(key).label) for key in ("personal_info", "address", "baccalaureate")
    ]
    relaxed = ProgrammeFactory(optional_sections=["personal_info", "address", "baccalaureate"])
    candidature_create(dossier=dossier, programme=relaxed, actor=dossier.user)


def test_only_the_candidate_applies(ready_dossier, staff_user):
    with pytest.raises(ActorNotAllowed):
        candidature_create(dossier=ready_dossier, programme=ProgrammeFactory(), actor=staff_user)


def test_inactive_campaign_is_not_open(ready_dossier):
    programme = ProgrammeFactory(campaign=CampaignFactory(code="2027", is_active=False))
    with pytest.raises(NotYetOpen):
        candidature_create(dossier=ready_dossier, programme=programme, actor=ready_dossier.user)


def test_transition_mail_goes_through_the_outbox(mailoutbox, django_capture_on_commit_callbacks):
    candidature = CandidatureFactory()
    with django_capture_on_commit_callbacks(execute=True):
        candidature_cancel(candidature=candidature, actor=candidature.dossier.user)
    transition = CandidatureTransition.objects.get()
    row = Outbox.objects.get()
    assert (row.event, row.recipient, row.status) == (
        "application_cancelled",
        candidature.dossier.user,
        "sent",
    )
    assert row.object_key == f"candidature:{candidature.pk}:{transition.pk}"
    assert candidature.programme.title in row.body_text
    assert [m.subject for m in mailoutbox] == [row.subject]


def test_candidate_transition_needs_no_permission_query(django_assert_num_queries):
    candidature = CandidatureFactory()
    user = candidature.dossier.user
    # lock+read, update, audit insert (+ savepoint pair of the atomic block in tests), then the
    # outbox: idempotency lookup, staff's template override lookup, insert in its own savepoint.
    with django_assert_num_queries(10):
        candidature_cancel(candidature=candidature, actor=user)


def test_a_centres_own_mail_wins_over_the_general_override(
    mailoutbox, django_capture_on_commit_callbacks
):
    """Staff override a mail per event, and per centre: the centre's version first."""
    from notifications.models import MailTemplate

    own = CentreFactory(name="Service de la formation continue")
    other = CentreFactory(name="UFR de Psychologie")
    MailTemplate.objects.create(
        event="application_cancelled", language="fr", subject="Général", body_text="Pour tous."
    )
    MailTemplate.objects.create(
        event="application_cancelled",
        language="fr",
        centre=own,
        subject="Formation continue",
        body_text="Annulation reçue par la formation continue.",
    )
    mine = CandidatureFactory(programme__centre=own)
    theirs = CandidatureFactory(programme__centre=other)
    with django_capture_on_commit_callbacks(execute=True):
        candidature_cancel(candidature=mine, actor=mine.dossier.user)
        candidature_cancel(candidature=theirs, actor=theirs.dossier.user)
    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert subjects[mine.dossier.user.email] == "[ecandidat] Formation continue"
    assert subjects[theirs.dossier.user.email] == "[ecandidat] Général"
