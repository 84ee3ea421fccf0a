"""Back-office writes on an application that are not workflow transitions: staff notes and the
per-candidate deadlines. Same shape as the workflow's functions: scoped lock, guard, change,
audit row, all in one transaction; the bulk runner calls the workflow one application at a
time."""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from ecandidat.errors import DomainError

from .models import Candidature, StaffNote


class BackOfficeError(DomainError):
    default_message = _("This action is not possible.")


class NotYourCentre(BackOfficeError):
    default_message = _("You are not allowed to act on this application.")


class NoteRequired(BackOfficeError):
    default_message = _("Write the note.")


class OverrideReasonRequired(BackOfficeError):
    default_message = _("Say why this candidate gets their own deadlines.")


class OverrideTooEarly(BackOfficeError):
    default_message = _("A candidate's own deadline cannot come before the programme's.")


def _lock(candidature_pk: int, actor) -> Candidature:
    try:
        return (
            Candidature.objects.for_staff(actor)
            .select_for_update(of=("self",))
            .select_related("programme__centre", "programme__campaign", "dossier__user")
            .get(pk=candidature_pk)
        )
    except Candidature.DoesNotExist as error:
        raise NotYourCentre from error


def candidature_add_note(*, candidature: Candidature, actor, text: str) -> StaffNote:
    text = (text or "").strip()
    if not text:
        raise NoteRequired
    with transaction.atomic():
        locked = _lock(candidature.pk, actor)
        note = StaffNote.objects.create(
            candidature=locked, author=actor, text=text, created_at=timezone.now()
        )
        audit_record(actor=actor, action="note.add", obj=locked, after={"note": text})
    return note


def candidature_override_deadlines(
    *,
    candidature: Candidature,
    actor,
    return_deadline=None,
    confirmation_deadline=None,
    reason: str,
) -> Candidature:
    """Gives one candidate their own return and/or confirmation deadline (None: the
    programme's again). Only later than the programme's: an override extends, never cuts."""
    reason = (reason or "").strip()
    if not reason:
        raise OverrideReasonRequired
    with transaction.atomic():
        locked = _lock(candidature.pk, actor)
        programme = locked.programme
        if return_deadline is not None and return_deadline < programme.return_deadline:
            raise OverrideTooEarly
        fixed = programme.confirmation_deadline
        if (
            confirmation_deadline is not None
            and fixed is not None
            and confirmation_deadline < fixed
        ):
            raise OverrideTooEarly
        before = {
            "return_deadline": locked.return_deadline_override,
            "confirmation_deadline": locked.confirmation_deadline_override,
        }
        locked.return_deadline_override = return_deadline
        locked.confirmation_deadline_override = confirmation_deadline
        locked.deadline_override_reason = reason
        locked.save(
            update_fields=[
                "return_deadline_override",
                "confirmation_deadline_override",
                "deadline_override_reason",
            ]
        )
        audit_record(
            actor=actor,
            action="deadlines.override",
            obj=locked,
            before=before,
            after={
                "return_deadline": return_deadline,
                "confirmation_deadline": confirmation_deadline,
            },
            comment=reason,
        )
    candidature.return_deadline_override = locked.return_deadline_override
    candidature.confirmation_deadline_override = locked.confirmation_deadline_override
    candidature.deadline_override_reason = reason
    return locked


class NothingToRemind(BackOfficeError):
    default_message = _(
        "Only an application not yet submitted, or incomplete, before its return deadline, "
        "gets a reminder."
    )


def candidature_send_reminder(*, candidature: Candidature, actor, actor_kind=None) -> None:
    """Staff remind a candidate whose application is still a draft or incomplete of the
    return deadline, with what is still missing. One reminder per application per day, however
    often it is asked (the outbox's idempotency key)."""
    from . import mail, workflow
    from .selectors import missing_items

    with transaction.atomic():
        locked = _lock(candidature.pk, actor)
        stage = workflow.stage_of(locked)
        if stage not in (workflow.Stage.DRAFT, workflow.Stage.INCOMPLETE) or not (
            workflow.candidate_may_change(locked)
        ):
            raise NothingToRemind
        user = locked.dossier.user
        with translation.override(user.language):
            context = mail.mail_context(candidature=locked, transition=None)
            context["missing_items"] = missing_items([locked]).get(locked.pk, [])
            context["incomplete"] = stage == workflow.Stage.INCOMPLETE
        today = timezone.localdate().isoformat()
        # The same door as the scheduled reminders: the centre's template and copy rules.
        mail.notify_candidate(
            candidature=locked,
            event="return_deadline_reminder",
            context=context,
            key=f"reminder:{today}",
        )
        audit_record(actor=actor, action="reminder.send", obj=locked)


# --- Bulk actions ---------------------------------------------------------------------------


def bulk_operation_queue(*, actor, action: str, candidatures, comment: str = ""):
    """Records the selection (already scoped by the caller's queryset) and queues its task
    after the commit. Constant cost whatever the selection's size."""
    from . import tasks
    from .models import BulkOperation

    ids = list(candidatures.values_list("pk", flat=True))
    with transaction.atomic():
        operation = BulkOperation.objects.create(
            actor=actor, action=action, candidature_ids=ids, comment=comment
        )
        transaction.on_commit(lambda: tasks.run_bulk_operation.delay(operation.pk))
    return operation


def bulk_operation_run(*, operation_id: int) -> None:
    """Runs the workflow once per application, each in its own transaction, as the staff
    member who asked (their scope is checked again by the workflow's guard). Only one worker
    runs an operation (claimed by a conditional UPDATE); a retry after a crash skips what is
    already handled."""
    from . import workflow
    from .models import BulkOperation

    claimed = BulkOperation.objects.filter(
        pk=operation_id, state__in=[BulkOperation.State.QUEUED, BulkOperation.State.RUNNING]
    ).update(state=BulkOperation.State.RUNNING)
    if not claimed:
        return
    operation = BulkOperation.objects.select_related("actor").get(pk=operation_id)
    service = {
        BulkOperation.Action.MARK_COMPLETE: workflow.candidature_mark_complete,
        BulkOperation.Action.MARK_INCOMPLETE: workflow.candidature_mark_incomplete,
        BulkOperation.Action.REMIND: candidature_send_reminder,
    }[operation.action]
    extra = {"comment": operation.comment} if operation.action == "mark_incomplete" else {}
    if operation.action == BulkOperation.Action.REMIND:
        extra = {}
    handled = set(operation.handled_ids)
    scoped = Candidature.objects.for_staff(operation.actor).select_related("programme", "dossier")
    for pk in operation.candidature_ids:
        if pk in handled:
            continue
        candidature = scoped.filter(pk=pk).first()
        refusal = None
        if candidature is None:
            refusal = str(NotYourCentre.default_message)
        else:
            try:
                service(candidature=candidature, actor=operation.actor, actor_kind="staff", **extra)
            except (workflow.WorkflowError, BackOfficeError) as error:
                refusal = str(error.message)
        with transaction.atomic():
            current = BulkOperation.objects.select_for_update().get(pk=operation_id)
            current.handled_ids = [*current.handled_ids, pk]
            if refusal is None:
                current.done += 1
            else:
                current.refusals = [
                    *current.refusals,
                    {"id": pk, "application": str(candidature or pk), "reason": refusal},
                ]
            current.save(update_fields=["handled_ids", "done", "refusals"])
    BulkOperation.objects.filter(pk=operation_id).update(
        state=BulkOperation.State.DONE, finished_at=timezone.now()
    )
