"""The candidate's mail for each transition, handed to the outbox inside the transition's
transaction (so a rolled-back transition sends nothing, and a repeated call sends once).

Each workflow event maps to a notifications event; publishing maps by the decision. A
favourable decision carries the admission letter, rendered to PDF in the candidate's language.
The letter is rendered *before* the transition takes its row lock (``prepare_letter``) and
picked up here when it still reads the same; only a concurrent change (say a new deadline
override) makes ``queue_mail`` render it again, under the lock, and log it.
"""

import logging

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from ecandidat.hooks import Hook
from ecandidat.pdf import render_pdf
from notifications.services import Attachment, notify

from .models import Decision

logger = logging.getLogger(__name__)
LETTER_EVENTS = ("decision_favourable", "waitlist_promoted")

EVENTS = {
    "create": "application_created",
    "submit": "application_received",
    "resubmit": "application_received",
    "cancel": "application_cancelled",
    "mark_complete": "application_complete",
    "mark_incomplete": "application_incomplete",
    "promote": "waitlist_promoted",
    "confirm": "answer_confirmed",
    "withdraw": "answer_withdrawn",
    "expire": "answer_withdrawn_automatically",
}
PUBLISHED = {
    Decision.PRESELECTED: "decision_preselected",
    Decision.FAVOURABLE: "decision_favourable",
    Decision.UNFAVOURABLE: "decision_unfavourable",
    Decision.WAITLISTED: "decision_waitlisted",
}
# The refused documents, with the reason given for each, listed in the "incomplete" mail and
# on the application page (see ``ecandidat.hooks``).
refused_pieces_hook = Hook(
    "pieces.selectors.refused_pieces",
    purpose="the refused documents and their reasons, for the incomplete mail",
)
# What the commission added to its decision (interview, reason), and the letter's own text,
# signatory and signature (a centre's template, overridable per programme).
decision_details_hook = Hook(
    "commissions.selectors.decision_details",
    purpose="the interview and the reason of a published decision, for its mail and page",
)
letter_hook = Hook(
    "commissions.letters.letter_context",
    purpose="the admission letter's text, signatory and signature for a programme",
)


def notification_event(event: str, candidature) -> str:
    return PUBLISHED[candidature.decision] if event == "publish" else EVENTS[event]


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else ""


def mail_context_base(candidature) -> dict:
    """What every mail about an application names (the reminders use it too)."""
    programme = candidature.programme
    return {
        "programme_title": programme.title,
        "programme_code": programme.code,
        "centre_name": programme.centre.name,
        "candidature_url": settings.SITE_URL.rstrip("/")
        + reverse("candidatures:detail", args=[candidature.pk]),
    }


def mail_context(*, candidature, transition) -> dict:
    """Plain values, in the active language, for the mail templates (``transition`` None:
    the letter alone)."""
    programme = candidature.programme
    event = transition.event if transition is not None else ""
    deadline = (
        programme.confirmation_deadline_for(candidature)
        if candidature.decision_visible and candidature.decision == Decision.FAVOURABLE
        else None
    )
    return {
        **mail_context_base(candidature),
        "status": str(candidature.get_status_display()),
        "decision": str(candidature.get_decision_display() or ""),
        "waitlist_rank": candidature.waitlist_rank or "",
        "comment": transition.comment if transition is not None else "",
        "refused_pieces": [
            _("%(piece)s: %(reason)s") % {"piece": label, "reason": reason}
            for label, reason in refused_pieces_hook(candidature)
        ]
        if event == "mark_incomplete"
        else [],
        "return_deadline": _when(candidature.return_deadline),
        "confirmation_deadline": _when(deadline),
        **(decision_details_hook(candidature) if event == "publish" else {}),
    }


def admission_letter(*, candidature, context: dict) -> Attachment:
    """The letter in the active language (the caller sets the candidate's)."""
    pdf = render_pdf(
        "candidatures/pdf/admission_letter.html",
        {
            "candidature": candidature,
            "dossier": candidature.dossier,
            **context,
            **letter_hook(candidature),
        },
        language=translation.get_language() or candidature.dossier.user.language,
    )
    name = f"admission-{candidature.dossier.number}-{candidature.programme.code}.pdf"
    return Attachment(filename=name, content=pdf)


def letter_key(candidature, context: dict) -> tuple:
    """What makes two renderings of a letter differ for one application."""
    return (candidature.pk, translation.get_language(), context["confirmation_deadline"])


def prepare_letter(future) -> dict:
    """The admission letter of ``future`` (an unsaved copy of an application as the coming
    transition will leave it), keyed by ``letter_key``: call it before taking any lock."""
    with translation.override(future.dossier.user.language):
        context = mail_context(candidature=future, transition=None)
        return {letter_key(future, context): admission_letter(candidature=future, context=context)}


def current_letter(candidature) -> Attachment:
    """The letter of a published favourable decision, for the candidate's download."""
    with translation.override(candidature.dossier.user.language):
        context = mail_context(candidature=candidature, transition=None)
        return admission_letter(candidature=candidature, context=context)


def queue_mail(*, event: str, candidature, transition, letters=None) -> None:
    user = candidature.dossier.user
    with translation.override(user.language):
        context = mail_context(candidature=candidature, transition=transition)
        kind = notification_event(event, candidature)
        attachments = []
        if kind in LETTER_EVENTS:
            letter = (letters or {}).get(letter_key(candidature, context))
            if letter is None:
                logger.warning(
                    "admission letter of application %s rendered inside its transition",
                    candidature.pk,
                )
                letter = admission_letter(candidature=candidature, context=context)
            attachments.append(letter)
    notify_candidate(
        candidature=candidature,
        event=kind,
        context=context,
        key=str(transition.pk),
        attachments=attachments,
    )


def notify_candidate(*, candidature, event: str, context: dict, key: str, attachments=()):
    """Queues a mail about ``candidature`` to its candidate (copied to the centre's contact
    when the centre asks, in the centre's own template when it wrote one); ``key`` makes it
    once per transition or per reminder."""
    centre = candidature.programme.centre
    notify(
        event=event,
        recipient=candidature.dossier.user,
        context=context,
        object_key=f"candidature:{candidature.pk}:{key}",
        cc=[centre.contact_email] if centre.copy_mails_to_contact else [],
        attachments=attachments,
        centre_id=centre.pk,
    )
