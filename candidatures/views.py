"""The candidate's pages: the offer, applying, the dashboard, an application with its history,
cancelling a draft, and the PDF copy. Thin: every write is a workflow function."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dossiers.access import candidate_required
from dossiers.models import Section
from dossiers.selectors import missing_sections
from ecandidat.reversing import url_maker

from . import detail_html, selectors
from .copy import copy_filename, copy_pdf
from .mail import current_letter, decision_details_hook
from .models import Programme, Status
from .offer import listing as offer_listing
from .workflow import (
    SECTIONS_TO_APPLY,
    Event,
    Stage,
    WorkflowError,
    candidature_cancel,
    candidature_confirm,
    candidature_create,
    candidature_withdraw,
    stage_of,
)


@login_not_required
def offer(request):
    """The offer as a tree centre -> programmes (<details>, no JavaScript needed). The
    listing is drawn once and kept (``candidatures.offer``); only the candidate's own
    applications are looked up per request."""
    query = request.GET.get("q", "").strip()[:100]
    campaign = selectors.active_campaign()
    html = ""
    if campaign is not None:
        drawn = offer_listing(campaign=campaign, query=query, now=timezone.now())
        applied = {}
        if not drawn.empty and request.user.is_authenticated and not request.user.is_staff:
            applied = selectors.applied_programmes(request.user, campaign)
        html = "" if drawn.empty else drawn.html(applied)
    return render(
        request,
        "candidatures/offer.html",
        {"campaign": campaign, "listing": html, "query": query},
    )


@candidate_required
@require_http_methods(["GET", "POST"])
def apply(request, programme_pk, *, dossier):
    """A confirm step, then a draft application through the workflow."""
    programme = get_object_or_404(
        Programme.objects.select_related("centre", "campaign"),
        pk=programme_pk,
        campaign__is_active=True,
    )
    if request.method == "POST":
        try:
            candidature = candidature_create(
                dossier=dossier, programme=programme, actor=request.user
            )
        except WorkflowError as error:
            messages.error(request, error.message)
            return redirect("candidatures:offer")
        messages.success(
            request,
            _("Your application to “%(programme)s” is created. Next: upload your documents.")
            % {"programme": programme.title},
        )
        return redirect("candidatures:detail", pk=candidature.pk)
    missing = missing_sections(dossier=dossier, optional_sections=set(programme.optional_sections))
    return render(
        request,
        "candidatures/apply_confirm.html",
        {
            "programme": programme,
            "window": selectors.window_state(programme, timezone.now()),
            # Needed to apply at all / needed later, before submitting.
            "missing": [Section(key).label for key in missing if key in SECTIONS_TO_APPLY],
            "missing_later": [
                Section(key).label for key in missing if key not in SECTIONS_TO_APPLY
            ],
        },
    )


def _rows(user, dossier, candidatures, *, with_items=True):
    """One row per application: stage, next deadline, and what is missing (dossier sections,
    and what other apps report, e.g. documents) for those still editable."""
    now = timezone.now()
    candidatures = list(candidatures)
    items = selectors.missing_items(candidatures) if with_items else {}
    detail_url = url_maker("candidatures:detail") if with_items else None
    sections = {}  # the dossier's missing sections by the programme's optional ones
    rows = []
    for candidature in candidatures:
        missing, missing_items = [], []
        if candidature.status in (Status.DRAFT, Status.INCOMPLETE):
            optional = frozenset(candidature.programme.optional_sections)
            if optional not in sections:
                sections[optional] = [
                    Section(key).label
                    for key in missing_sections(dossier=dossier, optional_sections=optional)
                ]
            missing = sections[optional]
            missing_items = items.get(candidature.pk, [])
        rows.append(
            {
                "candidature": candidature,
                "url": detail_url(candidature.pk) if detail_url else "",
                "stage": stage_of(candidature),
                "deadline": selectors.next_deadline(candidature, now),
                "missing": missing,
                "missing_items": missing_items,
            }
        )
    return rows


@candidate_required
def dashboard(request, *, dossier):
    rows = _rows(request.user, dossier, selectors.applications_of(dossier))
    return render(request, "candidatures/dashboard.html", {"rows": rows, "dossier": dossier})


def _history(candidature):
    return [(t, Event(t.event).label) for t in selectors.candidate_history(candidature)]


def _own(dossier, pk):
    candidature = selectors.application_of(dossier, pk)
    if candidature is None:
        raise Http404
    return candidature


@candidate_required
def detail(request, pk, *, dossier):
    candidature = _own(dossier, pk)
    # The page's extensions (documents) show their own missing items in detail.
    (row,) = _rows(request.user, dossier, [candidature], with_items=False)
    stage = row["stage"]
    context = {
        **row,
        "history": _history(candidature),
        "can_cancel": stage == Stage.DRAFT,
        "can_answer": stage == Stage.FAVOURABLE,
        "can_give_up": stage == Stage.CONFIRMED,
        "has_letter": stage in LETTER_STAGES,
        "waitlist": selectors.waitlist_position(candidature) if stage == Stage.WAITLISTED else None,
        "decision_details": decision_details_hook(candidature)
        if stage in (Stage.PRESELECTED, Stage.UNFAVOURABLE)
        else {},
        **selectors.detail_documents_hook(candidature, row),
    }
    # The page's own parts written in Python; the template's are the reference.
    context["written"] = detail_html.parts(context)
    return render(request, "candidatures/detail.html", context)


@candidate_required
@require_http_methods(["GET", "POST"])
def cancel(request, pk, *, dossier):
    """A confirm step that says it is definitive; the workflow refuses anything but a draft."""
    candidature = _own(dossier, pk)
    if request.method == "POST":
        try:
            candidature_cancel(candidature=candidature, actor=request.user)
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "Your application to “%(programme)s” is cancelled. A confirmation email is on its way."
                )
                % {"programme": candidature.programme.title},
            )
        return redirect("candidatures:detail", pk=candidature.pk)
    if candidature.status != Status.DRAFT:
        messages.error(request, _("Only an application not yet submitted can be cancelled."))
        return redirect("candidatures:detail", pk=candidature.pk)
    return render(request, "candidatures/cancel_confirm.html", {"candidature": candidature})


# Who may download their admission letter: a favourable decision, confirmed or not yet.
LETTER_STAGES = (Stage.FAVOURABLE, Stage.CONFIRMED)
# From which stages each answer may be given (a confirmed place may still be given up).
ANSWERABLE = {"confirm": (Stage.FAVOURABLE,), "withdraw": (Stage.FAVOURABLE, Stage.CONFIRMED)}

ANSWERS = {
    "confirm": (
        candidature_confirm,
        gettext_lazy(
            "You have confirmed your admission to “%(programme)s”. A confirmation email is on its way."
        ),
    ),
    "withdraw": (
        candidature_withdraw,
        gettext_lazy(
            "You have withdrawn from “%(programme)s”. A confirmation email is on its way."
        ),
    ),
}


@candidate_required
@require_http_methods(["GET", "POST"])
def answer(request, pk, choice, *, dossier):
    """Confirm or withdraw after a favourable decision, with a confirm step: the answer is
    final. Silence past the deadline is a withdrawal (the expire job)."""
    candidature = _own(dossier, pk)
    transition, done = ANSWERS[choice]
    if request.method == "POST":
        try:
            transition(candidature=candidature, actor=request.user)
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done % {"programme": candidature.programme.title})
        return redirect("candidatures:detail", pk=candidature.pk)
    if stage_of(candidature) not in ANSWERABLE[choice]:
        messages.error(request, _("There is nothing to answer on this application."))
        return redirect("candidatures:detail", pk=candidature.pk)
    return render(
        request,
        "candidatures/answer_confirm.html",
        {
            "candidature": candidature,
            "choice": choice,
            "confirmed": stage_of(candidature) == Stage.CONFIRMED,
            "deadline": candidature.programme.confirmation_deadline_for(candidature),
        },
    )


@candidate_required
def pdf_copy(request, pk, *, dossier):
    """The dossier and this application as a PDF, in the candidate's current language."""
    candidature = _own(dossier, pk)
    pdf = copy_pdf(candidature, language=get_language() or "fr")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{copy_filename(candidature)}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@candidate_required
def admission_letter(request, pk, *, dossier):
    """The admission letter of a favourable decision, in the candidate's language (the one
    their mail carried)."""
    candidature = _own(dossier, pk)
    if stage_of(candidature) not in LETTER_STAGES:
        raise Http404
    letter = current_letter(candidature)
    response = HttpResponse(letter.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter.filename}"'
    response["Cache-Control"] = "no-store"
    return response
