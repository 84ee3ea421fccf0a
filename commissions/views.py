"""The reviewer pages (``/commission/``): the list of applications to examine, one
application with its whole dossier and documents, a member's opinion, decisions (one or a
selection), publication by a president, and the documents' own inline door. Every object is
loaded through ``Candidature.objects.for_reviewer``: anything else answers 404."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from candidatures.models import Candidature, Event
from candidatures.workflow import Stage, stage_of
from dossiers.summary import dossier_summary
from ecandidat.errors import DomainError
from ecandidat.scoping import reviewer_user
from exports.columns import COMMISSION_KEYS
from exports.models import Audience, Export, ExportStatus, Kind
from exports.services import NothingToExport, export_request
from exports.views import serve as serve_export
from pieces.views import PREVIEWABLE, serve_preview

from . import rows, selectors, services
from .forms import DecisionForm, FilterForm, OpinionForm
from .models import Opinion

PAGE_SIZE = selectors.PAGE_SIZE
LIST_COLUMNS = (
    "status",
    "decision",
    "decision_published_at",
    "waitlist_rank",
    "answer",
    "dossier__number",
    "dossier__user__first_name",
    "dossier__user__last_name",
    "programme__code",
)
FILTER_NAMES = ("programme", "decision", "min_score", "without_my_opinion", "sort", "page")


def reviewer_required(view=None, *, header=True):
    """Signed in, a member of a commission, with the TOTP the staff need when it is required;
    anybody else gets 404 (the pages do not exist for them). A page that draws the header
    (``header``) gets the member's commissions (``request.commission_memberships``) and the
    programmes they examine (``request.reviewer_programmes``) from one query; the others
    only ask whether the user sits on a commission."""
    if view is None:
        return lambda view: reviewer_required(view, header=header)

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if header:
            memberships, programmes = selectors.reviewer_sittings(user)
            request.commission_memberships = memberships
            request.reviewer_programmes = programmes
        else:
            memberships = selectors.is_member(user)
        if not memberships:
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
    programmes = request.reviewer_programmes
    form = _filter_form(request, programmes)
    filters = form.filters()
    query = _query(request)
    if rows.rows_written:
        # The page's rows alone, ranked first and then read with their opinions
        # (selectors.list_page), written in Python (commissions.rows).
        page = selectors.list_page(request.user, filters, request.GET.get("page"))
        listed, written = page.object_list, rows.rows_html(page.object_list, query)
    else:
        # The reference: only the columns the rows show (and stage_of reads), every row's
        # opinions computed by the ORM's query, the template's own loop.
        listed = selectors.reviewed_applications(request.user, filters).only(*LIST_COLUMNS)
        page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
        listed, written = [(c, stage_of(c)) for c in page], []
    without_page = QueryDict(query, mutable=True)
    without_page.pop("page", None)
    return render(
        request,
        "commissions/list.html",
        {
            "form": form,
            # The filters' HTML depends on nothing else (besides the language): rendered once
            # per key ({% memo %}), five fields through the DSFR's widget templates. Only
            # for values chosen from the form's lists: a typed score or a value the form
            # refuses is drawn live (None), so what people type is never kept.
            "filters_key": None
            if form.errors or request.GET.get("min_score")
            else (
                tuple((p.pk, str(p)) for p in programmes),
                tuple(tuple(request.GET.getlist(name)) for name in form.fields),
            ),
            "page": page,
            # The template's loop (the reference) reads "rows"; "rows_html" holds them
            # written, when there are any.
            "rows": listed,
            "rows_html": written,
            "query": query,
            "page_query": without_page.urlencode(),
            "presides": any(p.presided for p in programmes),
            **_bulk_decision_form(),
        },
    )


def _bulk_decision_form() -> dict:
    """The selection's decision form, unbound, and what its HTML depends on besides the
    language: the reasons offered (the choices its select lists). The template renders the
    fields once per language and list of reasons ({% memo %}): the 11 fields through the
    DSFR's widget templates were a third of the list's time. The form itself is built only
    when the memo draws them (the template calls ``decision_form``)."""
    reasons = selectors.offered_reason_choices()

    def decision_form():
        form = DecisionForm(bulk=True, auto_id="bulk_%s")
        reason = form.fields["reason"]
        reason.choices = [("", reason.empty_label), *reasons]
        return form

    return {"decision_form": decision_form, "decision_reasons": reasons}


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
    programmes = request.reviewer_programmes
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
            "inline_types": PREVIEWABLE,
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


@reviewer_required(header=False)
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


@reviewer_required(header=False)
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


@reviewer_required(header=False)
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


@reviewer_required(header=False)
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


@reviewer_required(header=False)
def piece(request, piece_pk):
    """A document of an application the member reviews, shown in the page (PDF and images)
    or else downloaded (``pieces.views.serve_preview``, the back office's preview too)."""
    return serve_preview(
        get_object_or_404(selectors.reviewer_pieces(request.user), pk=piece_pk),
        download_others=True,
    )


def _ask_export(request, candidatures, kind, columns=()):
    try:
        export = export_request(
            user=request.user,
            kind=kind,
            candidatures=candidatures,
            columns=columns,
            language=get_language() or "fr",
            audience=Audience.COMMISSION,
        )
    except NothingToExport:
        messages.error(request, _("There is no application to export."))
        return None
    messages.success(
        request,
        ngettext(
            "%(count)d application: the export is being built; it appears below when ready.",
            "%(count)d applications: the export is being built; it appears below when ready.",
            export.total,
        )
        % {"count": export.total},
    )
    return redirect("commissions:exports")


@reviewer_required(header=False)
@require_POST
def export_table(request):
    """The list's rows (its filters, posted as ``q``) with opinions and decisions, as a table
    built in the background."""
    query = _posted_query(request)
    programmes = selectors.reviewer_programmes(request.user)
    filters = FilterForm(QueryDict(query), programmes=programmes).filters()
    kind = request.POST.get("kind")
    if kind not in (Kind.CSV, Kind.XLSX):
        messages.error(request, _("Choose the format of the export."))
    else:
        rows = selectors.reviewed_applications(request.user, filters)
        done = _ask_export(request, rows, kind, COMMISSION_KEYS)
        if done is not None:
            return done
    return redirect(f"{reverse('commissions:list')}?{query}" if query else "commissions:list")


@reviewer_required(header=False)
@require_POST
def export_dossier(request, pk):
    """One application's full dossier (its summary, then every document) as a PDF, built in
    the background."""
    candidature = _reviewed(request, pk)
    done = _ask_export(request, Candidature.objects.filter(pk=candidature.pk), Kind.DOSSIER)
    return done or _back_to(candidature.pk, _posted_query(request))


@reviewer_required
def exports(request):
    """The member's own commission exports, newest first, refreshed while one is built."""
    mine = list(Export.objects.for_reviewer(request.user)[:30])
    return render(
        request,
        "commissions/exports.html",
        {
            "exports": mine,
            "refresh": any(e.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) for e in mine),
        },
    )


@reviewer_required(header=False)
def export_download(request, pk):
    return serve_export(Export.objects.for_reviewer(request.user), pk)
