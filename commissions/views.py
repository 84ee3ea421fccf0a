"""The reviewer pages (``/commission/``): the list of applications to examine, one
application with its whole dossier and documents, a member's opinion, decisions (one or a
selection), publication by a president, and the documents' own inline door. Every object is
loaded through ``Candidature.objects.for_reviewer``: anything else answers 404."""

from functools import wraps

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from candidatures.models import Candidature, Event
from candidatures.workflow import Stage, stage_of
from dossiers.summary import dossier_summary
from ecandidat.errors import DomainError
from ecandidat.scoping import reviewer_user

from . import selectors, services
from .forms import DecisionForm, FilterForm, OpinionForm
from .models import CommissionMember, Opinion

PAGE_SIZE = 50
# Shown in the page itself; anything else is offered as a download.
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg"}
FILTER_NAMES = ("programme", "decision", "min_score", "without_my_opinion", "sort", "page")


def reviewer_required(view):
    """Signed in, a member of a commission, with the TOTP the staff need when it is required;
    anybody else gets 404 (the pages do not exist for them)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not CommissionMember.objects.filter(user=user).exists():
            raise Http404
        if not reviewer_user(user):
            messages.warning(
                request, _("Set up two-factor authentication to open the commission's pages.")
            )
            return redirect("mfa_activate_totp")
        return view(request, *args, **kwargs)

    return wrapper


def _filter_form(request, programmes):
    return FilterForm(request.GET, programmes=programmes)


def _query(request) -> str:
    """The list's filters, carried from page to page (only the known names)."""
    params = QueryDict(mutable=True)
    for name in FILTER_NAMES:
        if name in request.GET:
            params[name] = request.GET[name][:40]
    return params.urlencode()


def _back_to(pk, query: str):
    url = reverse("commissions:detail", args=[pk])
    return redirect(f"{url}?{query}" if query else url)


@reviewer_required
def application_list(request):
    programmes = list(selectors.reviewer_programmes(request.user))
    form = _filter_form(request, programmes)
    filters = form.filters()
    rows = selectors.reviewed_applications(request.user, filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = _query(request)
    without_page = QueryDict(query, mutable=True)
    without_page.pop("page", None)
    return render(
        request,
        "commissions/list.html",
        {
            "form": form,
            "page": page,
            "rows": [(c, stage_of(c)) for c in page],
            "query": query,
            "page_query": without_page.urlencode(),
            "presides": any(p.presided for p in programmes),
            "decision_form": DecisionForm(bulk=True, auto_id="bulk_%s"),
        },
    )


def _reviewed(request, pk) -> Candidature:
    return get_object_or_404(
        Candidature.objects.for_reviewer(request.user).select_related(
            "dossier__user", "programme__centre", "programme__campaign"
        ),
        pk=pk,
    )


@reviewer_required
def application_detail(request, pk):
    candidature = _reviewed(request, pk)
    user = request.user
    programmes = list(selectors.reviewer_programmes(user))
    filters = _filter_form(request, programmes).filters()
    previous, following, position, total = selectors.neighbours(user, filters, candidature.pk)
    opinions = list(
        Opinion.objects.filter(candidature=candidature).select_related("author").order_by("pk")
    )
    mine = next((o for o in opinions if o.author_id == user.pk), None)
    detail = selectors.decision_detail_of(candidature)
    stage = stage_of(candidature)
    initial = {}
    if candidature.decision:
        initial = {
            "decision": candidature.decision,
            "waitlist_rank": candidature.waitlist_rank,
        }
    if detail is not None:
        local = timezone.localtime(detail.interview_at) if detail.interview_at else None
        initial.update(
            interview_date=local.date() if local else None,
            interview_time=local.time() if local else None,
            interview_place=detail.interview_place,
            reason=detail.reason,
        )
    presided = next((p.presided for p in programmes if p.pk == candidature.programme_id), False)
    return render(
        request,
        "commissions/detail.html",
        {
            "candidature": candidature,
            "stage": stage,
            "dossier": candidature.dossier,
            "sections": dossier_summary(candidature.dossier),
            "pieces": list(
                selectors.reviewer_pieces(user)
                .filter(candidature=candidature)
                .order_by("piece_type__order", "piece_type__pk")
            ),
            "inline_types": INLINE_TYPES,
            "opinions": opinions,
            "opinion_form": OpinionForm(
                initial={"score": mine.score, "comment": mine.comment} if mine else None
            ),
            "decision_form": DecisionForm(initial=initial),
            "detail": detail,
            "decidable": stage in (Stage.COMPLETE, Stage.DECIDED, Stage.PRESELECTED),
            "can_publish": presided
            and stage == Stage.DECIDED
            and candidature.programme.publication_at <= timezone.now(),
            "history": [
                (t, Event(t.event).label) for t in candidature.transitions.select_related("actor")
            ],
            "previous": previous,
            "following": following,
            "position": position,
            "total": total,
            "query": _query(request),
        },
    )


def _posted_query(request) -> str:
    return QueryDict(request.POST.get("q", "")[:400]).urlencode()


@reviewer_required
@require_POST
def opinion(request, pk):
    candidature = _reviewed(request, pk)
    form = OpinionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        try:
            services.opinion_save(
                actor=request.user,
                candidature=candidature,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your opinion is saved."))
    return _back_to(candidature.pk, _posted_query(request))


def _form_errors(request, form):
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label} : {error}" if label else error)


@reviewer_required
@require_POST
def decide(request, pk):
    candidature = _reviewed(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.commission_decide(
                actor=request.user, candidature=candidature, **form.details()
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The decision is recorded. The candidate sees it once it is published."),
            )
    return _back_to(candidature.pk, _posted_query(request))


@reviewer_required
@require_POST
def publish_one(request, pk):
    candidature = _reviewed(request, pk)
    try:
        services.commission_publish(actor=request.user, candidature_ids=[candidature.pk])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The decision is being published; the candidate gets a mail."))
    return _back_to(candidature.pk, _posted_query(request))


def _selected(request) -> list[int]:
    ids = []
    for value in request.POST.getlist("selected")[:5000]:
        if value.isdigit() and int(value) not in ids:
            ids.append(int(value))
    return ids


@reviewer_required
@require_POST
def bulk(request):
    """Decision or publication on the rows ticked in the list, done in the background."""
    query = _posted_query(request)
    back = redirect(f"{reverse('commissions:list')}?{query}" if query else "commissions:list")
    ids = _selected(request)
    if not ids:
        messages.error(request, _("Tick at least one application first."))
        return back
    try:
        if request.POST.get("action") == "publish":
            count = services.commission_publish(actor=request.user, candidature_ids=ids)
            messages.success(
                request,
                ngettext(
                    "%(count)d decision is being published; each candidate gets a mail.",
                    "%(count)d decisions are being published; each candidate gets a mail.",
                    count,
                )
                % {"count": count},
            )
            return back
        form = DecisionForm(request.POST, bulk=True)
        if not form.is_valid():
            _form_errors(request, form)
            return back
        count = services.commission_decide_many(
            actor=request.user, candidature_ids=ids, **form.details()
        )
    except DomainError as error:
        messages.error(request, error.message)
        return back
    messages.success(
        request,
        ngettext(
            "The decision on %(count)d application is being recorded.",
            "The decision on %(count)d applications is being recorded.",
            count,
        )
        % {"count": count},
    )
    return back


@reviewer_required
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def piece(request, piece_pk):
    """A document of an application the member reviews, shown in the page (PDF and images)
    or else downloaded; never cached, never sniffed. Only our own pages may frame it."""
    document = get_object_or_404(selectors.reviewer_pieces(request.user), pk=piece_pk)
    try:
        handle = document.file.open("rb")
    except OSError as error:
        raise Http404 from error
    content_type = document.content_type or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=document.original_name or f"{document.piece_type.label}.pdf",
        content_type=content_type if inline else "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
