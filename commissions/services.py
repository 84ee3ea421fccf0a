"""The commission's writes: a member's opinion, a decision with what it says besides its
kind, decisions on a selection, and asking for publication. Each checks the member's scope
(``Candidature.objects.for_reviewer``), runs in one transaction with an audit entry, and
changes an application's state only through ``candidatures.workflow``."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from candidatures.models import ActorKind, Candidature, Decision, Programme
from candidatures.workflow import Stage, candidature_decide, stage_of
from ecandidat.errors import DomainError

from .models import MAX_SCORE, DecisionDetail, Opinion, UnfavourableReason


class CommissionError(DomainError):
    default_message = _("This action is not possible.")


class NotAReviewer(CommissionError):
    default_message = _("This application is not one your commission examines.")


class NotAPresident(CommissionError):
    default_message = _("Only a president of the commission publishes its decisions.")


class DecisionIncomplete(CommissionError):
    default_message = _("This decision needs more information.")


class NothingToPublish(CommissionError):
    default_message = _("None of the selected decisions can be published now.")


def _reviewed(actor, candidature_pk) -> Candidature:
    candidature = Candidature.objects.for_reviewer(actor).filter(pk=candidature_pk).first()
    if candidature is None:
        raise NotAReviewer
    return candidature


def opinion_save(*, actor, candidature, score: int | None, comment: str = "") -> Opinion:
    """The member's own opinion (one per member and application), changed as often as they
    like; an empty score and comment remove it."""
    candidature = _reviewed(actor, candidature.pk)
    comment = (comment or "").strip()
    if score is not None and not 0 <= score <= MAX_SCORE:
        raise CommissionError(_("A score is between 0 and 20."))
    with transaction.atomic():
        opinion = (
            Opinion.objects.select_for_update()
            .filter(candidature=candidature, author=actor)
            .first()
        )
        before = {"score": opinion.score, "comment": opinion.comment} if opinion else {}
        if score is None and not comment:
            if opinion is not None:
                audit_record(actor=actor, action="opinion.delete", obj=opinion, before=before)
                opinion.delete()
            return None
        if opinion is None:
            opinion = Opinion(candidature=candidature, author=actor)
        opinion.score, opinion.comment, opinion.updated_at = score, comment, timezone.now()
        opinion.save()
        audit_record(
            actor=actor,
            action="opinion.save",
            obj=opinion,
            before=before,
            after={"score": score, "comment": comment},
        )
    return opinion


def _check_decision(decision, *, interview_at, interview_place, reason):
    if decision == Decision.PRESELECTED and (interview_at is None or not interview_place):
        raise DecisionIncomplete(_("A preselection needs the interview's date, time and place."))
    if decision == Decision.UNFAVOURABLE and reason is None:
        raise DecisionIncomplete(_("An unfavourable decision needs a reason."))
    if (
        reason is not None
        and not UnfavourableReason.objects.filter(pk=reason.pk, is_active=True).exists()
    ):
        raise DecisionIncomplete(_("Choose a reason from the list."))


def commission_decide(
    *,
    actor,
    candidature,
    decision,
    waitlist_rank: int | None = None,
    interview_at=None,
    interview_place: str = "",
    reason: UnfavourableReason | None = None,
) -> Candidature:
    """Records (or changes, until published) a decision: the workflow's ``decide`` as the
    commission, and its interview or reason, in one transaction."""
    decision = Decision(decision)
    candidature = _reviewed(actor, candidature.pk)
    interview_place = (interview_place or "").strip()
    _check_decision(
        decision, interview_at=interview_at, interview_place=interview_place, reason=reason
    )
    with transaction.atomic():
        before = {"decision": candidature.decision, "rank": candidature.waitlist_rank}
        candidature = candidature_decide(
            candidature=candidature,
            actor=actor,
            actor_kind=ActorKind.COMMISSION,
            decision=decision,
            waitlist_rank=waitlist_rank,
        )
        detail = {
            "interview_at": interview_at if decision == Decision.PRESELECTED else None,
            "interview_place": interview_place if decision == Decision.PRESELECTED else "",
            "reason": reason if decision == Decision.UNFAVOURABLE else None,
            "updated_at": timezone.now(),
        }
        DecisionDetail.objects.update_or_create(candidature=candidature, defaults=detail)
        audit_record(
            actor=actor,
            action="decision.record",
            obj=candidature,
            before=before,
            after={
                "decision": decision.value,
                "rank": candidature.waitlist_rank,
                "interview_at": detail["interview_at"],
                "interview_place": detail["interview_place"],
                "reason": detail["reason"].label_fr if detail["reason"] else "",
            },
        )
    return candidature


def commission_decide_many(*, actor, candidature_ids: list[int], decision, **details) -> int:
    """Checks the selection is the member's, then hands it to a task that decides one
    application at a time (``commissions.tasks.decide_many``). A waiting-list decision gives
    consecutive ranks from ``waitlist_rank`` in the selection's order. Returns how many."""
    from .tasks import decide_many

    decision = Decision(decision)
    _check_decision(
        decision,
        interview_at=details.get("interview_at"),
        interview_place=(details.get("interview_place") or "").strip(),
        reason=details.get("reason"),
    )
    ids = list(
        Candidature.objects.for_reviewer(actor)
        .filter(pk__in=candidature_ids)
        .values_list("pk", flat=True)
    )
    ids.sort(key=candidature_ids.index)
    if not ids:
        raise NotAReviewer
    reason = details.get("reason")
    interview_at = details.get("interview_at")
    payload = {
        "waitlist_rank": details.get("waitlist_rank"),
        "interview_at": interview_at.isoformat() if interview_at else None,
        "interview_place": details.get("interview_place") or "",
        "reason_id": reason.pk if reason else None,
    }
    transaction.on_commit(
        lambda: decide_many.delay(
            actor_id=actor.pk, candidature_ids=ids, decision=decision.value, **payload
        )
    )
    return len(ids)


def commission_publish(*, actor, candidature_ids: list[int]) -> int:
    """A president publishes the selected decisions: the ones recorded and not yet published,
    of the programmes they preside, are handed to the publication task (one application at a
    time, one mail each). Returns how many."""
    from candidatures.tasks import publish_decisions

    presided = Candidature.objects.for_reviewer(actor, presidents_only=True)
    if not presided.exists():
        raise NotAPresident
    now = timezone.now()
    selected = [
        c
        for c in presided.filter(pk__in=candidature_ids).select_related("programme")
        if stage_of(c) == Stage.DECIDED and c.programme.publication_at <= now
    ]
    if not selected:
        raise NothingToPublish
    ids = [c.pk for c in selected]
    with transaction.atomic():
        for programme in Programme.objects.filter(pk__in={c.programme_id for c in selected}):
            audit_record(
                actor=actor,
                action="decisions.publish",
                obj=programme,
                after={"applications": sum(c.programme_id == programme.pk for c in selected)},
            )
        transaction.on_commit(
            lambda: publish_decisions.delay(
                candidature_ids=ids, actor_id=actor.pk, actor_kind=ActorKind.COMMISSION.value
            )
        )
    return len(ids)
