"""The application workflow: the only code that changes an application's state.

An application's *stage* is derived from its fields (status, decision, publication, answer),
never stored twice. ``TRANSITIONS`` is the table of what may happen: for each event, the
stages it may start from, who may trigger it, the stages it may lead to and the date that
bounds it. Each event has one service function (``candidature_<event>``) that takes a row lock,
checks the guard against the table, changes the fields, writes an audit row and queues the
candidate's mail for after the commit, all in one transaction: two concurrent calls give one
transition and one mail.

``candidature_create`` (applying) is not in the table: it has no source stage; its guards are
the programme's window, the centre's cap, once per programme and the dossier's first sections.

Two questions only the documents app can answer are named below by their providers' paths
(``ecandidat.hooks``; the system check imports them at start-up): what an application still
lacks before it may be submitted (``DossierIncomplete`` while anything is), and whether the
staff's review of its documents allows marking it complete or incomplete.

``candidate_may_change`` is the one home of the rule "the candidate may change an application
until its return deadline, while the campaign is active": pages, the documents' services and
the table's ``before="return_deadline"`` all go through ``date_for``.
"""

import copy
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from dossiers.models import Dossier, Section
from dossiers.selectors import missing_sections
from dossiers.services import dossier_freeze_personal_info
from ecandidat.errors import DomainError
from ecandidat.hooks import Hook

from .mail import prepare_letter, queue_mail
from .models import (
    ActorKind,
    Answer,
    Candidature,
    CandidatureTransition,
    Decision,
    Event,
    Programme,
    Stage,
    Status,
)

# Sections a candidate must have filled to apply at all; a programme's other required sections
# are checked when its pieces are (the registry below).
SECTIONS_TO_APPLY = {Section.PERSONAL_INFO, Section.ADDRESS, Section.BACCALAUREATE}


def stage_of(candidature: Candidature) -> Stage:
    if candidature.answer:
        return Stage(candidature.answer)
    if candidature.status != Status.COMPLETE:
        return Stage(candidature.status)
    if not candidature.decision:
        return Stage.COMPLETE
    if candidature.decision_published_at is None:
        return Stage.DECIDED
    return Stage(candidature.decision)


# --- The table ------------------------------------------------------------------------------

PUBLISHED_DECISIONS = frozenset(
    {Stage.PRESELECTED, Stage.FAVOURABLE, Stage.UNFAVOURABLE, Stage.WAITLISTED}
)
# A commission may change its mind until it publishes, and turns a preselection (interview)
# into a final decision (which stays hidden, like any decision, until published).
DECIDABLE = frozenset({Stage.COMPLETE, Stage.DECIDED, Stage.PRESELECTED})
CANDIDATE = frozenset({ActorKind.CANDIDATE})
STAFF = frozenset({ActorKind.STAFF})
COMMISSION = frozenset({ActorKind.COMMISSION})
# Publishing and promoting are done by the commission, by the centre's staff or by the
# scheduled job.
DECIDERS_AND_JOBS = frozenset({ActorKind.COMMISSION, ActorKind.STAFF, ActorKind.SYSTEM})
SYSTEM = frozenset({ActorKind.SYSTEM})


@dataclass(frozen=True)
class Transition:
    event: Event
    sources: frozenset
    actors: frozenset
    targets: frozenset
    # Names of the programme's dates (see ``date_for``): the event is refused before
    # ``not_before`` (NotYetOpen) and from ``before`` on (DeadlinePassed).
    not_before: str | None = None
    before: str | None = None
    notifies: bool = True
    # The ``before`` date binds only from these stages (all of them when None): a confirmed
    # candidate may still give up the place (« désistement ») after the deadline.
    deadline_binds: frozenset | None = None
    # A commission member acts only on a commission they preside.
    presidents_only: bool = False


TRANSITIONS = {
    t.event: t
    for t in [
        Transition(
            Event.SUBMIT,
            frozenset({Stage.DRAFT}),
            CANDIDATE,
            frozenset({Stage.RECEIVED}),
            before="return_deadline",
        ),
        Transition(Event.CANCEL, frozenset({Stage.DRAFT}), CANDIDATE, frozenset({Stage.CANCELLED})),
        Transition(
            Event.MARK_COMPLETE, frozenset({Stage.RECEIVED}), STAFF, frozenset({Stage.COMPLETE})
        ),
        Transition(
            Event.MARK_INCOMPLETE,
            frozenset({Stage.RECEIVED}),
            STAFF,
            frozenset({Stage.INCOMPLETE}),
        ),
        Transition(
            Event.RESUBMIT,
            frozenset({Stage.INCOMPLETE}),
            CANDIDATE,
            frozenset({Stage.RECEIVED}),
            before="return_deadline",
        ),
        # Recorded, not visible: the candidate learns nothing until publication.
        Transition(Event.DECIDE, DECIDABLE, COMMISSION, frozenset({Stage.DECIDED}), notifies=False),
        Transition(
            Event.PUBLISH,
            frozenset({Stage.DECIDED}),
            DECIDERS_AND_JOBS,
            PUBLISHED_DECISIONS,
            not_before="publication_at",
            presidents_only=True,
        ),
        Transition(
            Event.PROMOTE,
            frozenset({Stage.WAITLISTED}),
            DECIDERS_AND_JOBS,
            frozenset({Stage.FAVOURABLE}),
            presidents_only=True,
        ),
        Transition(
            Event.CONFIRM,
            frozenset({Stage.FAVOURABLE}),
            CANDIDATE,
            frozenset({Stage.CONFIRMED}),
            before="confirmation_deadline",
        ),
        Transition(
            Event.WITHDRAW,
            frozenset({Stage.FAVOURABLE, Stage.CONFIRMED}),
            CANDIDATE,
            frozenset({Stage.WITHDRAWN}),
            before="confirmation_deadline",
            deadline_binds=frozenset({Stage.FAVOURABLE}),
        ),
        Transition(
            Event.EXPIRE,
            frozenset({Stage.FAVOURABLE}),
            SYSTEM,
            frozenset({Stage.WITHDRAWN}),
            not_before="confirmation_deadline",
        ),
    ]
}

# Provided by the documents app (see the module docstring and ``ecandidat.hooks``).
missing_for_submission = Hook(
    "pieces.selectors.missing_for_submission",
    purpose="what an application still lacks before it may be submitted",
)
review_blockers = Hook(
    "pieces.selectors.review_blockers",
    purpose="why the staff's review of the documents does not allow this completeness verdict",
)


# --- Errors ---------------------------------------------------------------------------------


class WorkflowError(DomainError):
    """Base of the reasons a transition is refused; ``message`` is translated for the page."""

    default_message = _("This action is not possible.")


class TransitionNotAllowed(WorkflowError):
    default_message = _("This action is not possible at this stage of the application.")


class ActorNotAllowed(WorkflowError):
    default_message = _("You are not allowed to do this on this application.")


class DeadlinePassed(WorkflowError):
    default_message = _("The deadline for this action has passed.")


class NotYetOpen(WorkflowError):
    default_message = _("This action is not open yet.")


class DossierIncomplete(WorkflowError):
    default_message = _("Your dossier is not complete yet.")

    def __init__(self, missing=()):
        self.missing = list(missing)
        message = self.default_message
        if self.missing:
            message = _("Still missing: %(items)s.") % {
                "items": ", ".join(str(m) for m in self.missing)
            }
        super().__init__(message)


class ApplicationCapReached(WorkflowError):
    default_message = _("You have reached the maximum number of applications for this centre.")


class AlreadyApplied(WorkflowError):
    default_message = _("You have already applied to this programme.")


class CommentRequired(WorkflowError):
    default_message = _(
        "Refuse at least one document with its reason, or say what is missing in a comment: "
        "the candidate will read it."
    )


class ReviewUnfinished(WorkflowError):
    default_message = _("The review of the documents does not allow this.")

    def __init__(self, reasons=()):
        self.reasons = list(reasons)
        super().__init__(" ".join(str(r) for r in self.reasons) or None)


class InvalidDecision(WorkflowError):
    default_message = _("A waiting list decision needs a rank and a programme with a waiting list.")


# --- Guards ---------------------------------------------------------------------------------


def actor_kind_of(*, actor, candidature: Candidature, claimed=None) -> ActorKind:
    """Who is acting. ``actor=None`` is the system (scheduled jobs). A caller may claim a
    kind (a staff member who sits on a commission acts as ``COMMISSION`` on the reviewer
    pages); the claim is checked against the user. Staff act only on the applications of
    their centres, commission members only on the complete applications of the programmes
    their commissions examine: the same querysets as the pages."""
    if actor is None:
        if claimed not in (None, ActorKind.SYSTEM):
            raise ActorNotAllowed
        return ActorKind.SYSTEM
    # In this order when nothing is claimed; lazy, so a candidate costs no permission query.
    # Staff act only on the applications of their centres (the back office's own queryset).
    holds = {
        ActorKind.CANDIDATE: lambda: actor.pk == candidature.dossier.user_id,
        ActorKind.STAFF: lambda: (
            Candidature.objects.for_staff(actor).filter(pk=candidature.pk).exists()
        ),
        ActorKind.COMMISSION: lambda: (
            Candidature.objects.for_reviewer(actor).filter(pk=candidature.pk).exists()
        ),
        ActorKind.SYSTEM: lambda: False,
    }
    if claimed is not None:
        if not holds[claimed]():
            raise ActorNotAllowed
        return ActorKind(claimed)
    for kind, check in holds.items():
        if check():
            return kind
    raise ActorNotAllowed


def date_for(candidature: Candidature, name: str):
    """The programme's date ``name`` for this candidate: the back office's per-candidate
    override of the return and confirmation deadlines wins."""
    programme = candidature.programme
    if name == "confirmation_deadline":
        return programme.confirmation_deadline_for(candidature)
    if name == "return_deadline":
        return candidature.return_deadline
    return getattr(programme, name)


def candidate_may_change(candidature: Candidature, now=None) -> bool:
    """Before this candidate's return deadline, in a campaign not archived (the stage is the
    caller's question: drafts and incomplete applications)."""
    now = now or timezone.now()
    return now < date_for(candidature, "return_deadline") and not (
        candidature.programme.campaign.is_archived
    )


def _check_dates(rule: Transition, candidature: Candidature, now, source=None) -> None:
    if rule.not_before:
        opens = date_for(candidature, rule.not_before)
        if opens is None or now < opens:
            raise NotYetOpen
    if rule.before and (rule.deadline_binds is None or source in rule.deadline_binds):
        closes = date_for(candidature, rule.before)
        if closes is not None and now >= closes:
            raise DeadlinePassed


# --- The engine -----------------------------------------------------------------------------

_FIELDS = [
    "status",
    "decision",
    "waitlist_rank",
    "decision_published_at",
    "answer",
    "answered_at",
    "withdrawn_automatically",
    "submitted_at",
    "incomplete_comment",
    "confirmation_deadline_override",
]


def _record(
    *, candidature, event, actor, kind, source, comment, now, notify=True, letters=None
) -> CandidatureTransition:
    transition = CandidatureTransition.objects.create(
        candidature=candidature,
        event=event,
        actor=actor,
        actor_kind=kind,
        from_state=source,
        to_state=stage_of(candidature),
        comment=comment,
        at=now,
    )
    if kind in (ActorKind.STAFF, ActorKind.COMMISSION):
        # The generic audit log holds every back-office action, transitions included.
        audit_record(
            actor=actor,
            action=f"application.{event}",
            obj=candidature,
            before={"stage": source},
            after={"stage": transition.to_state},
            comment=comment,
            at=now,
        )
    if notify:
        queue_mail(event=event, candidature=candidature, transition=transition, letters=letters)
    return transition


def _run(
    event: Event, *, candidature, actor, actor_kind, effect, comment="", now=None, letters=None
) -> Candidature:
    """Lock, check the table's guard, apply ``effect(locked, now)``, save, audit, mail.

    ``letters`` are admission letters the caller rendered before the lock (``now`` is the
    moment they were rendered for), so no PDF is drawn while the row is locked."""
    rule = TRANSITIONS[event]
    with transaction.atomic():
        locked = (
            Candidature.objects.select_for_update(of=("self",))
            .select_related("programme__centre", "programme__campaign", "dossier__user")
            .get(pk=candidature.pk)
        )
        kind = actor_kind_of(actor=actor, candidature=locked, claimed=actor_kind)
        if kind not in rule.actors:
            raise ActorNotAllowed
        if kind == ActorKind.COMMISSION and rule.presidents_only:
            presided = Candidature.objects.for_reviewer(actor, presidents_only=True)
            if not presided.filter(pk=locked.pk).exists():
                raise ActorNotAllowed
        source = stage_of(locked)
        if source not in rule.sources or locked.programme.campaign.is_archived:
            raise TransitionNotAllowed
        now = now or timezone.now()
        _check_dates(rule, locked, now, source)
        effect(locked, now)
        if stage_of(locked) not in rule.targets:  # the table and the effect disagree: a bug
            raise RuntimeError(f"{event} led to {stage_of(locked)}")
        locked.save(update_fields=_FIELDS)
        _record(
            candidature=locked,
            event=event,
            actor=actor,
            kind=kind,
            source=source,
            comment=comment,
            now=now,
            notify=rule.notifies,
            letters=letters,
        )
    for name in _FIELDS:
        setattr(candidature, name, getattr(locked, name))
    return locked


# --- One function per transition -----------------------------------------------------------


def candidature_create(*, dossier: Dossier, programme: Programme, actor) -> Candidature:
    """Applies to a programme (a draft application). The dossier row is locked so two
    simultaneous applications cannot both slip under the centre's cap."""
    if actor is None or actor.pk != dossier.user_id:
        raise ActorNotAllowed
    with transaction.atomic():
        Dossier.objects.select_for_update().get(pk=dossier.pk)
        now = timezone.now()
        campaign = programme.campaign
        if campaign.is_archived:
            raise DeadlinePassed
        if not campaign.is_active or now < programme.opens_at:
            raise NotYetOpen
        if now >= programme.closes_at:
            raise DeadlinePassed
        mine = Candidature.objects.filter(dossier=dossier)
        if mine.filter(programme=programme).exists():
            raise AlreadyApplied
        cap = programme.centre.max_applications
        if cap is not None:
            in_centre = mine.filter(
                programme__centre_id=programme.centre_id, programme__campaign_id=campaign.pk
            ).exclude(status=Status.CANCELLED)
            if in_centre.count() >= cap:
                raise ApplicationCapReached
        missing = [
            key
            for key in missing_sections(
                dossier=dossier, optional_sections=set(programme.optional_sections)
            )
            if key in SECTIONS_TO_APPLY
        ]
        if missing:
            raise DossierIncomplete([Section(key).label for key in missing])
        try:
            with transaction.atomic():
                candidature = Candidature.objects.create(dossier=dossier, programme=programme)
        except IntegrityError as error:  # a concurrent request won the unique constraint
            raise AlreadyApplied from error
        _record(
            candidature=candidature,
            event=Event.CREATE,
            actor=actor,
            kind=ActorKind.CANDIDATE,
            source="",
            comment="",
            now=now,
        )
    return candidature


def _check_submission(candidature) -> None:
    missing = missing_for_submission(candidature)
    if missing:
        raise DossierIncomplete(missing)


def _check_review(candidature, verdict: Event) -> None:
    reasons = review_blockers(candidature, verdict=verdict)
    if reasons:
        raise ReviewUnfinished(reasons)


def candidature_submit(*, candidature, actor, actor_kind=None) -> Candidature:
    """Transmits the application; freezes the dossier's personal information in the same
    transaction (a refused or rolled-back submission leaves it editable)."""

    def effect(c, now):
        _check_submission(c)
        dossier_freeze_personal_info(dossier=c.dossier)
        c.status = Status.RECEIVED
        c.submitted_at = now

    return _run(
        Event.SUBMIT, candidature=candidature, actor=actor, actor_kind=actor_kind, effect=effect
    )


def candidature_cancel(*, candidature, actor, actor_kind=None) -> Candidature:
    """Final: a cancelled application cannot be reopened (nor a new one made, see create)."""

    def effect(c, now):
        c.status = Status.CANCELLED

    return _run(
        Event.CANCEL, candidature=candidature, actor=actor, actor_kind=actor_kind, effect=effect
    )


def candidature_mark_complete(*, candidature, actor, actor_kind=None) -> Candidature:
    """Refused while a document is still refused (the candidate must replace it first)."""

    def effect(c, now):
        _check_review(c, Event.MARK_COMPLETE)
        c.status = Status.COMPLETE
        c.incomplete_comment = ""

    return _run(
        Event.MARK_COMPLETE,
        candidature=candidature,
        actor=actor,
        actor_kind=actor_kind,
        effect=effect,
    )


def candidature_mark_incomplete(
    *, candidature, actor, comment: str = "", actor_kind=None
) -> Candidature:
    """Needs at least one refused document (each with its reason, listed in the mail); the
    comment adds what the candidate should know besides."""
    comment = (comment or "").strip()

    def effect(c, now):
        reasons = review_blockers(c, verdict=Event.MARK_INCOMPLETE)
        if reasons and not comment:
            raise CommentRequired(" ".join(str(r) for r in reasons))
        c.status = Status.INCOMPLETE
        c.incomplete_comment = comment

    return _run(
        Event.MARK_INCOMPLETE,
        candidature=candidature,
        actor=actor,
        actor_kind=actor_kind,
        effect=effect,
        comment=comment,
    )


def candidature_resubmit(*, candidature, actor, actor_kind=None) -> Candidature:
    def effect(c, now):
        _check_submission(c)
        c.status = Status.RECEIVED
        c.submitted_at = now

    return _run(
        Event.RESUBMIT, candidature=candidature, actor=actor, actor_kind=actor_kind, effect=effect
    )


def candidature_decide(
    *, candidature, actor, decision, waitlist_rank=None, comment="", actor_kind=None
) -> Candidature:
    """Records (or changes, until published) the commission's decision; invisible to the
    candidate until ``candidature_publish``."""
    decision = Decision(decision)

    def effect(c, now):
        if decision == Decision.WAITLISTED:
            if not c.programme.has_waiting_list or not waitlist_rank or waitlist_rank < 1:
                raise InvalidDecision
            c.waitlist_rank = waitlist_rank
        else:
            c.waitlist_rank = None
        c.decision = decision
        c.decision_published_at = None

    return _run(
        Event.DECIDE,
        candidature=candidature,
        actor=actor,
        actor_kind=actor_kind,
        effect=effect,
        comment=comment,
    )


def candidature_publish(*, candidature, actor, actor_kind=None) -> Candidature:
    """Makes the decision visible and mails it. A favourable decision's letter is rendered
    first, outside the lock, for the moment of publication."""

    def effect(c, now):
        c.decision_published_at = now

    now = timezone.now()
    current = _unlocked(candidature)  # the caller's copy may be older than the row
    # Not for a decision already published: a task run again after its worker died goes
    # through the ones it had done, which the lock's check then refuses.
    letters = (
        prepare_letter(_future(current, effect, now))
        if current.decision == Decision.FAVOURABLE and stage_of(current) == Stage.DECIDED
        else {}
    )

    return _run(
        Event.PUBLISH,
        candidature=candidature,
        actor=actor,
        actor_kind=actor_kind,
        effect=effect,
        now=now,
        letters=letters,
    )


def _unlocked(candidature):
    return Candidature.objects.select_related("programme__centre", "dossier__user").get(
        pk=candidature.pk
    )


def _future(candidature, effect, now):
    """An unsaved copy of the application as ``effect`` will leave it (to draw its letter)."""
    future = copy.copy(candidature)
    effect(future, now)
    return future


def _promoted(c, now):
    c.decision = Decision.FAVOURABLE
    c.waitlist_rank = None
    c.decision_published_at = now
    # Days after publication restart from now; a fixed date may be past or days away, so the
    # promoted candidate gets their own.
    fresh = now + timedelta(days=settings.WAITLIST_PROMOTION_DAYS)
    fixed = c.confirmation_deadline_override or c.programme.confirmation_deadline
    if fixed is not None and fixed < fresh:
        c.confirmation_deadline_override = fresh


def candidature_promote(
    *, candidature, actor, actor_kind=None, now=None, letters=None
) -> Candidature:
    """A seat freed up: the favourable decision is published at once, so a confirmation
    deadline given in days runs from now. The ranks left behind are recomputed by
    ``waitlist_promote_next``, which is how withdrawals call this."""
    if letters is None:
        now = timezone.now()
        letters = prepare_letter(_future(_unlocked(candidature), _promoted, now))

    return _run(
        Event.PROMOTE,
        candidature=candidature,
        actor=actor,
        actor_kind=actor_kind,
        effect=_promoted,
        now=now,
        letters=letters,
    )


# --- The waiting list ----------------------------------------------------------------------


def waiting_list(programme_id: int):
    """The published waiting list of a programme, best rank first."""
    return Candidature.objects.filter(
        programme_id=programme_id,
        status=Status.COMPLETE,
        decision=Decision.WAITLISTED,
        decision_published_at__isnull=False,
        answer="",
    ).order_by("waitlist_rank", "pk")


def _prepare_promotion(programme: Programme) -> dict:
    """The letter of whoever heads the waiting list now, rendered before any lock is taken
    (if somebody else is promoted meanwhile, ``queue_mail`` renders theirs)."""
    if not programme.has_waiting_list:
        return {}
    now = timezone.now()
    head = waiting_list(programme.pk).select_related("programme__centre", "dossier__user").first()
    if head is None:
        return {"now": now, "letters": {}}
    return {"now": now, "letters": prepare_letter(_future(head, _promoted, now))}


def waitlist_renumber(*, programme_id: int, actor=None) -> None:
    """Ranks 1..n again, in the order they were (call with the programme row locked), in one
    ``UPDATE`` whatever the number of ranks shifted (one per rank before: a promotion cost
    more as the list grew)."""
    changed, shifted = {}, []
    for rank, candidature in enumerate(waiting_list(programme_id).only("pk", "waitlist_rank"), 1):
        if candidature.waitlist_rank != rank:
            changed[candidature.pk] = (candidature.waitlist_rank, rank)
            candidature.waitlist_rank = rank
            shifted.append(candidature)
    if changed:
        Candidature.objects.bulk_update(shifted, ["waitlist_rank"], batch_size=1000)
        programme = Programme.objects.get(pk=programme_id)
        audit_record(
            actor=actor,
            action="waitlist.renumber",
            obj=programme,
            before={str(pk): old for pk, (old, _new) in changed.items()},
            after={str(pk): new for pk, (_old, new) in changed.items()},
        )


def waitlist_promote_next(
    *, programme_id: int, actor=None, actor_kind=None, prepared=None
) -> Candidature | None:
    """Promotes the best-ranked waiting candidate of a programme with a waiting list, then
    recomputes the ranks. The programme's row lock makes promotions of one programme take
    turns: two withdrawals at the same moment promote two different candidates."""
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme_id)
        if not programme.has_waiting_list:
            return None
        if prepared is None:
            # Called on its own (by hand): the letter is rendered under the programme's lock.
            prepared = {"now": None, "letters": None}
        head = waiting_list(programme_id).first()
        if head is None:
            return None
        promoted = candidature_promote(
            candidature=head,
            actor=actor,
            actor_kind=actor_kind,
            now=prepared["now"],
            letters=prepared["letters"],
        )
        waitlist_renumber(programme_id=programme_id, actor=actor)
    return promoted


def _answer_freeing_a_place(event, *, candidature, actor, actor_kind, automatically=False):
    """Withdrawal by hand or at the deadline: the place goes at once, in the same
    transaction, to the head of the waiting list (its letter drawn before the locks)."""
    programme = Programme.objects.get(pk=candidature.programme_id)
    prepared = _prepare_promotion(programme)
    with transaction.atomic():
        withdrawn = _run(
            event,
            candidature=candidature,
            actor=actor,
            actor_kind=actor_kind,
            effect=_answer(Answer.WITHDRAWN, automatically=automatically),
        )
        if prepared:
            waitlist_promote_next(programme_id=programme.pk, prepared=prepared)
    return withdrawn


def _answer(answer, *, automatically=False):
    def effect(c, now):
        c.answer = answer
        c.answered_at = now
        c.withdrawn_automatically = automatically

    return effect


def candidature_confirm(*, candidature, actor, actor_kind=None) -> Candidature:
    return _run(
        Event.CONFIRM,
        candidature=candidature,
        actor=actor,
        actor_kind=actor_kind,
        effect=_answer(Answer.CONFIRMED),
    )


def candidature_withdraw(*, candidature, actor, actor_kind=None) -> Candidature:
    """Before the deadline, or at any time once confirmed (« désistement »)."""
    return _answer_freeing_a_place(
        Event.WITHDRAW, candidature=candidature, actor=actor, actor_kind=actor_kind
    )


def candidature_expire(*, candidature, actor=None, actor_kind=None) -> Candidature:
    """Run by the deadline job: no answer by the confirmation deadline counts as a
    withdrawal (the guide says so)."""
    return _answer_freeing_a_place(
        Event.EXPIRE,
        candidature=candidature,
        actor=actor,
        actor_kind=actor_kind,
        automatically=True,
    )


SERVICES = {
    Event.SUBMIT: candidature_submit,
    Event.CANCEL: candidature_cancel,
    Event.MARK_COMPLETE: candidature_mark_complete,
    Event.MARK_INCOMPLETE: candidature_mark_incomplete,
    Event.RESUBMIT: candidature_resubmit,
    Event.DECIDE: candidature_decide,
    Event.PUBLISH: candidature_publish,
    Event.PROMOTE: candidature_promote,
    Event.CONFIRM: candidature_confirm,
    Event.WITHDRAW: candidature_withdraw,
    Event.EXPIRE: candidature_expire,
}
