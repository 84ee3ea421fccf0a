"""Staff screens: the offer is edited here; applications are read-only and change only
through the workflow's admin actions (which call ``workflow`` and never write a status)."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dossiers.models import REQUIRABLE_SECTIONS, Section

from . import workflow
from .models import (
    PROGRAMME_DATES,
    ActorKind,
    Campaign,
    Candidature,
    CandidatureTransition,
    Centre,
    Programme,
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
class CampaignAdmin(ArchivedReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "label", "is_active", "archived_at"]


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_email", "max_applications"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "contact_email", "copy_mails_to_contact", "max_applications"]}),
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
class ProgrammeAdmin(ArchivedReadOnlyMixin, admin.ModelAdmin):
    form = ProgrammeForm
    list_display = ["code", "title", "centre", "campaign", "opens_at", "closes_at"]
    list_filter = ["campaign", "centre"]
    list_select_related = ["centre", "campaign"]
    search_fields = ["code", "title"]
    fieldsets = [
        (None, {"fields": PROGRAMME_OFFER_FIELDS}),
        (_("Dates (empty: the centre's default)"), {"fields": PROGRAMME_DATE_FIELDS}),
    ]


class TransitionInline(admin.TabularInline):
    model = CandidatureTransition
    extra = 0
    can_delete = False
    fields = ["at", "event", "from_state", "to_state", "actor", "actor_kind", "comment"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class IncompleteForm(forms.Form):
    comment = forms.CharField(
        label=_("What is missing (the candidate reads this)"), widget=forms.Textarea
    )


def _run_on_each(modeladmin, request, queryset, service, **kwargs):
    """Calls the workflow once per application; refusals are reported, not fatal."""
    done, refused = 0, []
    for candidature in queryset:
        try:
            service(
                candidature=candidature, actor=request.user, actor_kind=ActorKind.STAFF, **kwargs
            )
            done += 1
        except workflow.WorkflowError as error:
            refused.append(f"{candidature}: {error.message}")
    if done:
        modeladmin.message_user(
            request,
            ngettext("%(count)d application updated.", "%(count)d applications updated.", done)
            % {"count": done},
            messages.SUCCESS,
        )
    for line in refused:
        modeladmin.message_user(request, line, messages.ERROR)


@admin.register(Candidature)
class CandidatureAdmin(admin.ModelAdmin):
    list_display = ["dossier", "programme", "status", "decision", "answer", "submitted_at"]
    list_filter = ["status", "decision", "programme__centre", "programme"]
    list_select_related = ["dossier", "programme"]
    search_fields = ["dossier__number", "dossier__user__last_name", "programme__code"]
    inlines = [TransitionInline]
    actions = ["mark_complete", "mark_incomplete"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Mark complete"), permissions=["view"])
    def mark_complete(self, request, queryset):
        _run_on_each(self, request, queryset, workflow.candidature_mark_complete)

    @admin.action(description=_("Mark incomplete (with a comment)"), permissions=["view"])
    def mark_incomplete(self, request, queryset):
        form = IncompleteForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            _run_on_each(
                self,
                request,
                queryset,
                workflow.candidature_mark_incomplete,
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
                "queryset": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
