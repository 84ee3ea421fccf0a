"""Staff screens, scoped to the staff member's centres (``ecandidat.scoping``): the offer is
edited here; applications are read-only and change only through the workflow and the
back-office services (``candidatures.services``), from the application page or the list's
bulk actions (run by a task)."""

import functools

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from audit.services import audit_entries_for
from dossiers.models import REQUIRABLE_SECTIONS, Section
from dossiers.summary import dossier_summary
from ecandidat.errors import DomainError
from ecandidat.hooks import Hook
from ecandidat.scoping import (
    CentralEditsMixin,
    NotFoundAdminMixin,
    ScopedRelatedFilter,
    StaffScopedAdmin,
    admin_paths,
    sees_all_centres,
)

from . import services, workflow
from .models import (
    PROGRAMME_DATES,
    ActorKind,
    BulkOperation,
    Campaign,
    Candidature,
    Centre,
    Decision,
    Programme,
    StaffNote,
    Status,
)


def _archived(obj) -> bool:
    campaign = obj if isinstance(obj, Campaign) else getattr(obj, "campaign", None)
    return campaign is not None and campaign.is_archived


class ArchivedReadOnlyMixin:
    """Archived campaigns and their programmes are kept as they were."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and _archived(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and _archived(obj))


@admin.register(Campaign)
class CampaignAdmin(CentralEditsMixin, ArchivedReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "label", "is_active", "archived_at"]


@admin.register(Centre)
class CentreAdmin(StaffScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "contact_email", "max_applications"]
    search_fields = ["name"]
    filter_horizontal = ["staff"]
    fieldsets = [
        (None, {"fields": ["name", "contact_email", "copy_mails_to_contact", "max_applications"]}),
        (_("Centre staff"), {"fields": ["staff"]}),
        (
            _("Default dates of new programmes"),
            {
                "fields": [
                    "default_opens_at",
                    "default_closes_at",
                    "default_return_deadline",
                    "default_jury_at",
                    "default_publication_at",
                    "default_confirmation_deadline",
                    "default_confirmation_days",
                ]
            },
        ),
        (
            _("Reminders"),
            {"fields": ["return_reminder_days", "confirmation_reminder_days"]},
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Who works for a centre is the central administration's decision.
        return [] if sees_all_centres(request.user) else ["staff"]

    def has_add_permission(self, request):
        return sees_all_centres(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return sees_all_centres(request.user) and super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "staff":
            kwargs["queryset"] = db_field.related_model.objects.filter(is_staff=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


PROGRAMME_OFFER_FIELDS = [
    "campaign",
    "centre",
    "code",
    "title",
    "description",
    "capacity",
    "has_waiting_list",
    "optional_sections",
]
PROGRAMME_DATE_FIELDS = [*PROGRAMME_DATES, "confirmation_deadline", "confirmation_days"]


class ProgrammeForm(forms.ModelForm):
    optional_sections = forms.MultipleChoiceField(
        label=_("optional dossier sections"),
        choices=[(key, Section(key).label) for key in REQUIRABLE_SECTIONS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Programme
        fields = [*PROGRAMME_OFFER_FIELDS, *PROGRAMME_DATE_FIELDS]


@admin.register(Programme)
class ProgrammeAdmin(StaffScopedAdmin, ArchivedReadOnlyMixin, admin.ModelAdmin):
    form = ProgrammeForm
    list_display = ["code", "title", "centre", "campaign", "opens_at", "closes_at"]
    list_filter = ["campaign", "centre"]
    list_select_related = ["centre", "campaign"]
    search_fields = ["code", "title"]
    fieldsets = [
        (None, {"fields": PROGRAMME_OFFER_FIELDS}),
        (_("Dates (empty: the centre's default)"), {"fields": PROGRAMME_DATE_FIELDS}),
    ]


# --- Applications: the completeness review ------------------------------------------------

# The documents part of the application page: the pieces app renders it (its own review
# views), this app may not import it (see ``ecandidat.hooks``).
documents_panel_hook = Hook(
    "pieces.admin.documents_panel",
    purpose="the documents of an application on the back office's application page",
)


class RefusedPiecesFilter(admin.SimpleListFilter):
    title = _("refused documents")
    parameter_name = "refused"

    def lookups(self, request, model_admin):
        return [("yes", _("With refused documents")), ("no", _("Without refused documents"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(refused_count__gt=0)
        if self.value() == "no":
            return queryset.filter(refused_count=0)
        return queryset


class SubmittedBetweenFilter(admin.FieldListFilter):
    """Two dates (from, to, both included) typed in the sidebar."""

    template = "admin/candidatures/date_range_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.since_param = f"{field_path}_since"
        self.until_param = f"{field_path}_until"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = _("submitted between")

        def first(name):
            value = self.used_parameters.get(name, "")
            return (value[-1] if isinstance(value, list) and value else value) or ""

        self.form = SubmittedBetweenForm(
            {"since": first(self.since_param), "until": first(self.until_param)}
        )

    def expected_parameters(self):
        return [self.since_param, self.until_param]

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        if not self.form.is_valid():
            return queryset
        since, until = self.form.cleaned_data["since"], self.form.cleaned_data["until"]
        if since:
            queryset = queryset.filter(submitted_at__date__gte=since)
        if until:
            queryset = queryset.filter(submitted_at__date__lte=until)
        return queryset

    def choices(self, changelist):
        yield {
            "form": self.form,
            "since_param": self.since_param,
            "until_param": self.until_param,
            # The other filters, the search and the ordering stay as they are.
            "kept": [
                (key, value)
                for key, value in changelist.params.items()
                if key not in self.expected_parameters() and key != "p"
            ],
        }


class SubmittedBetweenForm(forms.Form):
    since = forms.DateField(label=pgettext_lazy("submitted between", "from"), required=False)
    until = forms.DateField(label=pgettext_lazy("submitted between", "to"), required=False)


class IncompleteForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the candidate (besides the refused documents and their reasons)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("New note"), widget=forms.Textarea(attrs={"rows": 3}))


class DeadlinesForm(forms.Form):
    return_deadline = forms.SplitDateTimeField(
        label=_("own return deadline"), required=False, widget=admin.widgets.AdminSplitDateTime
    )
    confirmation_deadline = forms.SplitDateTimeField(
        label=_("own confirmation deadline"),
        required=False,
        widget=admin.widgets.AdminSplitDateTime,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


def _person(user) -> str:
    if user is None:
        return str(_("the system"))
    name = f"{user.first_name} {user.last_name}".strip()
    return f"{name} ({user.email})" if name else user.email


def history_in_words(candidature) -> list[dict]:
    """The transitions and the audited back-office actions, oldest first, in words."""
    rows = [
        {
            "at": t.at,
            "who": _person(t.actor) if t.actor_kind != ActorKind.SYSTEM else _("the system"),
            "role": t.get_actor_kind_display(),
            "what": t.get_event_display(),
            "detail": (
                f"{t.get_from_state_display()} → {t.get_to_state_display()}"
                if t.from_state
                else t.get_to_state_display()
            ),
            "comment": t.comment,
        }
        for t in candidature.transitions.select_related("actor")
    ]
    labels = {
        "note.add": _("Note added"),
        "deadlines.override": _("Own deadlines set"),
        "reminder.send": _("Reminder sent"),
    }
    for entry in audit_entries_for(candidature).exclude(action__startswith="application."):
        rows.append(
            {
                "at": entry.at,
                "who": _person(entry.actor) if entry.actor else entry.actor_label,
                "role": _("Centre staff"),
                "what": labels.get(entry.action, entry.action),
                "detail": "",
                "comment": entry.comment,
            }
        )
    return sorted(rows, key=lambda row: row["at"])


# Actions other apps add to the applications list, named by path so this app imports none of
# them (ecandidat.hooks): exports and full dossiers.
extra_actions_hook = Hook(
    "exports.admin.candidature_actions",
    purpose="the export and full-dossier actions of the applications list",
)


@functools.cache
def _refused_count():
    """The refused documents of each application, counted by a subquery per row shown, not
    by a GROUP BY over every application and piece of the campaign (the list's cost grew
    with the data). "pieces" is the documents app's relation (reached by its name, not
    imported). Built once per process: ``annotate()`` resolves a copy of it each time."""
    pieces = Candidature.pieces.rel.related_model
    refused = (
        pieces.objects.filter(candidature=OuterRef("pk"), status="refused")
        .order_by()
        .values("candidature")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(refused), 0)


@admin.register(Candidature)
class CandidatureAdmin(StaffScopedAdmin, admin.ModelAdmin):
    list_display = [
        "candidate_number",
        "candidate_name",
        "programme",
        "status_badge",
        "submitted_at",
        "refused_pieces",
    ]
    list_display_links = ["candidate_number", "candidate_name"]
    list_filter = [
        ("programme__campaign", admin.RelatedFieldListFilter),
        ("programme__centre", ScopedRelatedFilter),
        ("programme", ScopedRelatedFilter),
        "status",
        "decision",
        ("submitted_at", SubmittedBetweenFilter),
        RefusedPiecesFilter,
    ]
    search_fields = [
        "dossier__number",
        "dossier__user__last_name",
        "dossier__user__first_name",
        "dossier__user__email",
        "dossier__personal_info__birth_name",
        "dossier__personal_info__usage_name",
        "=dossier__personal_info__ine",
    ]
    list_per_page = 50
    show_full_result_count = False
    actions = [
        "mark_complete",
        "mark_incomplete",
        "send_reminder",
        "publish_decisions",
        *extra_actions_hook(),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("dossier__user", "programme__centre")
            .annotate(refused_count=_refused_count())
        )

    @admin.display(description=_("candidate number"), ordering="dossier__number")
    def candidate_number(self, obj):
        return obj.dossier.number

    @admin.display(description=_("candidate"), ordering="dossier__user__last_name")
    def candidate_name(self, obj):
        user = obj.dossier.user
        return f"{user.last_name.upper()} {user.first_name}".strip() or user.email

    @admin.display(description=_("status of the file"), ordering="status")
    def status_badge(self, obj):
        return obj.get_status_display()

    @admin.display(description=_("refused documents"), ordering="refused_count")
    def refused_pieces(self, obj):
        return obj.refused_count or "—"

    def get_changelist(self, request, **kwargs):
        # The page's rows from one values() query, written directly (candidatures.changelist).
        from .changelist import LeanChangeList

        return LeanChangeList

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Publish the decisions (in the background)"), permissions=["view"])
    def publish_decisions(self, request, queryset):
        """Handed to the publication task, one application at a time (a mail each); the
        workflow refuses what is not the staff member's or not yet publishable."""
        from django.db import transaction

        from .tasks import publish_decisions

        ids = list(queryset.values_list("pk", flat=True))
        transaction.on_commit(
            lambda: publish_decisions.delay(
                candidature_ids=ids, actor_id=request.user.pk, actor_kind=ActorKind.STAFF.value
            )
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d application is being published.",
                "%(count)d applications are being published.",
                len(ids),
            )
            % {"count": len(ids)},
            messages.SUCCESS,
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # --- Bulk actions: queued, never run row by row in the request ---

    def _queue(self, request, queryset, action, comment=""):
        operation = services.bulk_operation_queue(
            actor=request.user, action=action, candidatures=queryset, comment=comment
        )
        operation.refresh_from_db()
        url = reverse("admin:candidatures_bulkoperation_change", args=[operation.pk])
        if operation.state == BulkOperation.State.DONE:  # tasks run in-process (embedded)
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    ngettext(
                        "%(count)d application updated.",
                        "%(count)d applications updated.",
                        operation.done,
                    )
                    % {"count": operation.done},
                    url,
                    _("See the result"),
                ),
                messages.SUCCESS if not operation.refusals else messages.WARNING,
            )
        else:
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    ngettext(
                        "%(count)d application queued.",
                        "%(count)d applications queued.",
                        len(operation.candidature_ids),
                    )
                    % {"count": len(operation.candidature_ids)},
                    url,
                    _("Follow it here"),
                ),
                messages.INFO,
            )

    @admin.action(description=_("Mark complete"), permissions=["view"])
    def mark_complete(self, request, queryset):
        self._queue(request, queryset, BulkOperation.Action.MARK_COMPLETE)

    @admin.action(
        description=_("Send a reminder (drafts and incomplete files)"), permissions=["view"]
    )
    def send_reminder(self, request, queryset):
        self._queue(request, queryset, BulkOperation.Action.REMIND)

    @admin.action(description=_("Mark incomplete (with a comment)"), permissions=["view"])
    def mark_incomplete(self, request, queryset):
        form = IncompleteForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._queue(
                request,
                queryset,
                BulkOperation.Action.MARK_INCOMPLETE,
                comment=form.cleaned_data["comment"],
            )
            return None
        return TemplateResponse(
            request,
            "admin/candidatures/candidature/mark_incomplete.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Mark incomplete"),
                "form": form,
                "queryset": queryset.select_related("dossier", "programme"),
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    # --- The application page ---

    def get_urls(self):
        own = admin_paths(
            self,
            [
                ("<int:pk>/verdict/", "verdict", self.verdict_view),
                ("<int:pk>/note/", "note", self.note_view),
                ("<int:pk>/deadlines/", "deadlines", self.deadlines_view),
                ("statistics/", "statistics", self.statistics_view),
            ],
        )
        return own + super().get_urls()

    def _scoped(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(
            self.get_queryset(request).select_related("programme__campaign", "dossier__user"),
            pk=pk,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not str(object_id).isdigit():
            return redirect("admin:candidatures_candidature_changelist")
        candidature = self._scoped(request, object_id)
        stage = workflow.stage_of(candidature)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Application %(number)s — %(programme)s")
            % {"number": candidature.dossier.number, "programme": candidature.programme},
            "opts": self.model._meta,
            "original": candidature,
            "candidature": candidature,
            "candidate": candidature.dossier.user,
            "stage": stage,
            "stage_label": stage.label,
            "sections": dossier_summary(candidature.dossier),
            "documents": documents_panel_hook(request, candidature),
            "history": history_in_words(candidature),
            "notes": StaffNote.objects.filter(candidature=candidature).select_related("author"),
            "note_form": NoteForm(),
            "deadlines_form": DeadlinesForm(
                initial={
                    "return_deadline": candidature.return_deadline_override,
                    "confirmation_deadline": candidature.confirmation_deadline_override,
                    "reason": candidature.deadline_override_reason,
                }
            ),
            "incomplete_form": IncompleteForm(),
            "can_review": stage == workflow.Stage.RECEIVED,
            "return_deadline": candidature.return_deadline,
            "confirmation_deadline": candidature.programme.confirmation_deadline_for(candidature),
        }
        return TemplateResponse(request, "admin/candidatures/candidature/review.html", context)

    def _back(self, candidature):
        return redirect("admin:candidatures_candidature_change", candidature.pk)

    def _refused(self, request, error: DomainError):
        self.message_user(request, error.message, messages.ERROR)

    def verdict_view(self, request, pk):
        """« Déclarer complet » / « Déclarer incomplet » on one application."""
        candidature = self._scoped(request, pk)
        if request.method != "POST":
            return self._back(candidature)
        try:
            if request.POST.get("verdict") == "complete":
                workflow.candidature_mark_complete(
                    candidature=candidature, actor=request.user, actor_kind=ActorKind.STAFF
                )
                self.message_user(request, _("Marked complete; the candidate is told by mail."))
            elif request.POST.get("verdict") == "incomplete":
                form = IncompleteForm(request.POST)
                form.is_valid()
                workflow.candidature_mark_incomplete(
                    candidature=candidature,
                    actor=request.user,
                    actor_kind=ActorKind.STAFF,
                    comment=form.cleaned_data.get("comment", ""),
                )
                self.message_user(
                    request,
                    _(
                        "Marked incomplete; the candidate gets a mail listing the refused "
                        "documents and their reasons."
                    ),
                )
        except workflow.WorkflowError as error:
            self._refused(request, error)
        return self._back(candidature)

    def note_view(self, request, pk):
        candidature = self._scoped(request, pk)
        if request.method == "POST":
            form = NoteForm(request.POST)
            try:
                services.candidature_add_note(
                    candidature=candidature,
                    actor=request.user,
                    text=form.data.get("text", ""),
                )
            except services.BackOfficeError as error:
                self._refused(request, error)
            else:
                self.message_user(request, _("Note added."))
        return self._back(candidature)

    def deadlines_view(self, request, pk):
        candidature = self._scoped(request, pk)
        if request.method == "POST":
            form = DeadlinesForm(request.POST)
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        self.message_user(request, error, messages.ERROR)
                return self._back(candidature)
            try:
                services.candidature_override_deadlines(
                    candidature=candidature,
                    actor=request.user,
                    return_deadline=form.cleaned_data["return_deadline"],
                    confirmation_deadline=form.cleaned_data["confirmation_deadline"],
                    reason=form.cleaned_data["reason"],
                )
            except services.BackOfficeError as error:
                self._refused(request, error)
            else:
                self.message_user(request, _("The candidate's own deadlines are saved."))
        return self._back(candidature)

    def statistics_view(self, request):
        """Counts per programme by status and decision, for the staff member's centres (one
        query)."""
        rows = (
            Candidature.objects.for_staff(request.user)
            .values(
                "programme__pk", "programme__code", "programme__title", "programme__centre__name"
            )
            .annotate(
                total=Count("pk"),
                **{f"status_{s}": Count("pk", filter=Q(status=s)) for s in Status.values},
                **{f"decision_{d}": Count("pk", filter=Q(decision=d)) for d in Decision.values},
            )
            .order_by("programme__centre__name", "programme__title")
        )
        rows = list(rows)
        columns = [(f"status_{s}", label) for s, label in Status.choices] + [
            (f"decision_{d}", label) for d, label in Decision.choices
        ]
        table = [
            {
                "programme": f"{row['programme__code']} {row['programme__title']}",
                "centre": row["programme__centre__name"],
                "total": row["total"],
                "cells": [row[key] for key, _label in columns],
            }
            for row in rows
        ]
        totals = [sum(row[key] for row in rows) for key, _label in columns]
        return TemplateResponse(
            request,
            "admin/candidatures/candidature/statistics.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Statistics"),
                "opts": self.model._meta,
                "columns": [label for _key, label in columns],
                "table": table,
                "totals": totals,
                "grand_total": sum(row["total"] for row in rows),
                "generated_at": formats.date_format(timezone.localtime(), "DATETIME_FORMAT"),
            },
        )


@admin.register(BulkOperation)
class BulkOperationAdmin(NotFoundAdminMixin, admin.ModelAdmin):
    """Each staff member follows their own bulk operations; central administrators all."""

    list_display = ["created_at", "action", "size", "state", "done", "refused", "actor"]
    list_filter = ["state", "action"]
    readonly_fields = [
        "actor",
        "action",
        "comment",
        "state",
        "size",
        "done",
        "refusal_list",
        "created_at",
        "finished_at",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("actor")
        return queryset if sees_all_centres(request.user) else queryset.filter(actor=request.user)

    @admin.display(description=_("applications"))
    def size(self, obj):
        return len(obj.candidature_ids)

    @admin.display(description=_("refused"))
    def refused(self, obj):
        return len(obj.refusals)

    @admin.display(description=_("refused"))
    def refusal_list(self, obj):
        if not obj.refusals:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html(
                "".join(["<li>{}: {}</li>"] * len(obj.refusals)),
                *[v for r in obj.refusals for v in (r["application"], r["reason"])],
            ),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
