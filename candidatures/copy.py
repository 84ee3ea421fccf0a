"""The PDF copy of an application: the candidate downloads it, and it is the summary at the
head of the staff's full dossier (``exports.dossier``): the dossier's sections, the documents
with their status, the published decision and the history."""

from django.utils.text import slugify

from dossiers.selectors import dossier_details
from dossiers.summary import dossier_summary
from ecandidat.hooks import Hook
from ecandidat.pdf import render_pdf

from .models import Decision, Event
from .workflow import stage_of

pieces_summary_hook = Hook(
    "pieces.selectors.pieces_summary",
    purpose="each requested document of an application with its status, for the PDF copy",
)


def copy_context(candidature) -> dict:
    dossier = dossier_details(candidature.dossier)
    published = candidature.decision_visible
    programme = candidature.programme
    return {
        "candidature": candidature,
        "stage": stage_of(candidature),
        "dossier": dossier,
        "sections": dossier_summary(dossier),
        "pieces": pieces_summary_hook(candidature),
        "decision_published": published,
        "confirmation_deadline": programme.confirmation_deadline_for(candidature)
        if published and candidature.decision == Decision.FAVOURABLE
        else None,
        # A decision recorded and not yet published is the commission's business.
        "history": [
            (t, Event(t.event).label) for t in candidature.transitions.exclude(event=Event.DECIDE)
        ],
    }


def copy_pdf(candidature, *, language: str) -> bytes:
    return render_pdf("candidatures/pdf/copy.html", copy_context(candidature), language=language)


def copy_filename(candidature) -> str:
    return slugify(f"candidature-{candidature.dossier.number}-{candidature.programme.code}")
