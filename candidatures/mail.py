"""The candidate's mail for each transition, queued inside the transition's transaction.

With the notifications app (outbox, templates editable by staff) this hands the event and a
context of plain strings to ``notifications.services.notify``. Until that app is merged, it
falls back to a plain Django mail sent by ``transaction.on_commit``, so a rolled-back
transition sends nothing either way.
"""

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SUBJECTS = {
    "create": gettext_lazy("Your application has been created"),
    "submit": gettext_lazy("Your application has been received"),
    "cancel": gettext_lazy("Your application has been cancelled"),
    "mark_complete": gettext_lazy("Your application is complete"),
    "mark_incomplete": gettext_lazy("Your application is incomplete"),
    "resubmit": gettext_lazy("Your application has been received again"),
    "publish": gettext_lazy("The decision on your application is available"),
    "promote": gettext_lazy("A place has freed up for you"),
    "confirm": gettext_lazy("You have confirmed your admission"),
    "withdraw": gettext_lazy("You have withdrawn your application"),
    "expire": gettext_lazy("Your admission has lapsed"),
}

SENTENCES = {
    "create": gettext_lazy(
        "Your application to %(programme)s has been created. Upload your documents and submit "
        "it before %(return_deadline)s."
    ),
    "submit": gettext_lazy(
        "Your application to %(programme)s has been received. Its completeness will now be checked."
    ),
    "cancel": gettext_lazy("Your application to %(programme)s has been cancelled."),
    "mark_complete": gettext_lazy(
        "Your application to %(programme)s is complete: it will be examined by the teaching "
        "committee."
    ),
    "mark_incomplete": gettext_lazy(
        "Your application to %(programme)s is incomplete. Send what is missing and submit it "
        "again before %(return_deadline)s."
    ),
    "resubmit": gettext_lazy("Your application to %(programme)s has been received again."),
    "publish": gettext_lazy(
        "The decision on your application to %(programme)s is available: %(decision)s."
    ),
    "promote": gettext_lazy(
        "A place has freed up: your application to %(programme)s now has a favourable decision."
    ),
    "confirm": gettext_lazy("You have confirmed your admission to %(programme)s."),
    "withdraw": gettext_lazy("You have withdrawn your application to %(programme)s."),
    "expire": gettext_lazy(
        "You did not confirm your admission to %(programme)s before the deadline: it counts as "
        "a withdrawal."
    ),
}


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else ""


def mail_context(*, candidature, transition) -> dict[str, str]:
    """Plain strings, in the active language, for the mail templates."""
    programme = candidature.programme
    user = candidature.dossier.user
    deadline = (
        programme.confirmation_deadline_for(candidature)
        if candidature.decision_visible and candidature.decision == "favourable"
        else None
    )
    return {
        "candidate_name": user.get_full_name() or user.email,
        "dossier_number": candidature.dossier.number,
        "programme": f"{programme.code} {programme.title}",
        "centre": programme.centre.name,
        "status": str(candidature.get_status_display()),
        "decision": str(candidature.get_decision_display() or ""),
        "waitlist_rank": str(candidature.waitlist_rank or ""),
        "comment": transition.comment,
        "return_deadline": _when(programme.return_deadline),
        "confirmation_deadline": _when(deadline),
    }


def _body(event: str, context: dict[str, str]) -> str:
    lines = [_("Hello %(name)s,") % {"name": context["candidate_name"]}, SENTENCES[event] % context]
    if context["comment"]:
        lines.append(_("Comment: %(comment)s") % context)
    if context["waitlist_rank"]:
        lines.append(_("Your rank on the waiting list: %(waitlist_rank)s.") % context)
    if context["confirmation_deadline"]:
        lines.append(
            _("Confirm your admission or withdraw before %(confirmation_deadline)s.") % context
        )
    lines.append(_("Dossier number: %(dossier_number)s — %(centre)s") % context)
    return "\n\n".join(lines) + "\n"


def queue_mail(*, event: str, candidature, transition) -> None:
    user = candidature.dossier.user
    with translation.override(user.language):
        context = mail_context(candidature=candidature, transition=transition)
        subject = str(SUBJECTS[event])
        body = _body(event, context)
    try:
        from notifications.services import notify
    except ImportError:
        notify = None
    if notify is not None:
        # The centre's copy (copy_mails_to_contact) is the notifications app's to send.
        notify(
            event=f"candidature_{event}",
            recipient=user,
            context=context,
            object_key=f"candidature:{candidature.pk}:{transition.pk}",
        )
        return
    centre = candidature.programme.centre
    message = EmailMessage(
        subject=f"[ecandidat] {subject}",
        body=body,
        to=[user.email],
        cc=[centre.contact_email] if centre.copy_mails_to_contact else [],
    )
    # robust: an SMTP failure after the commit is logged, it does not undo or break the change.
    transaction.on_commit(message.send, robust=True)
