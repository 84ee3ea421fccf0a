"""Staff entry points: the actions on the applications list (export a table with chosen
columns, full dossiers) and « My exports », where each export shows its progress and, when
ready, its download link. The applications list picks the actions up through
``candidatures.admin``'s hook (``candidature_actions``)."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from .forms import TableExportForm
from .models import Export, ExportStatus, Kind
from .services import NothingToExport, export_request


def _queued(modeladmin, request, export):
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d application: the export is being built; it appears in « My exports ».",
            "%(count)d applications: the export is being built; it appears in « My exports ».",
            export.total,
        )
        % {"count": export.total},
        messages.SUCCESS,
    )
    return redirect(reverse("admin:exports_export_changelist"))


def _ask(modeladmin, request, queryset, **fields):
    try:
        export = export_request(
            user=request.user, candidatures=queryset, language=get_language() or "fr", **fields
        )
    except NothingToExport:
        modeladmin.message_user(request, _("None of these applications is yours to export."))
        return None
    return _queued(modeladmin, request, export)


@admin.action(description=_("Export to a table (XLSX or CSV)…"), permissions=["view"])
def export_table(modeladmin, request, queryset):
    form = TableExportForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        return _ask(
            modeladmin,
            request,
            queryset,
            kind=form.cleaned_data["kind"],
            columns=form.cleaned_data["columns"],
        )
    return TemplateResponse(
        request,
        "admin/exports/table_export.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Export applications"),
            "form": form,
            "queryset": queryset,
            "count": queryset.count(),
            "opts": modeladmin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


@admin.action(description=_("Full dossiers (PDF, ZIP for several)"), permissions=["view"])
def full_dossiers(modeladmin, request, queryset):
    kind = Kind.DOSSIER if queryset.count() == 1 else Kind.DOSSIERS_ZIP
    return _ask(modeladmin, request, queryset, kind=kind)


def candidature_actions():
    """Named by ``candidatures.admin`` (``ecandidat.hooks``)."""
    return [export_table, full_dossiers]


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "status", "progress", "download"]
    list_filter = ["kind", "status"]
    readonly_fields = ["created_at", "kind", "status", "progress", "download", "error"]
    fields = readonly_fields

    def get_queryset(self, request):
        return Export.objects.for_user(request.user)

    def has_view_permission(self, request, obj=None):
        from ecandidat.scoping import backoffice_user

        return backoffice_user(request.user)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.owner_id == request.user.pk

    @admin.display(description=_("progress"))
    def progress(self, export):
        return f"{export.done} / {export.total} ({export.percent} %)"

    @admin.display(description=_("file"))
    def download(self, export):
        if export.status != ExportStatus.DONE:
            return "—"
        return format_html(
            '<a href="{}" download>{}</a>',
            reverse("exports:download", args=[export.pk]),
            _("Download"),
        )

    def changelist_view(self, request, extra_context=None):
        unfinished = (
            self.get_queryset(request)
            .filter(status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING])
            .exists()
        )
        return super().changelist_view(request, {"refresh": unfinished, **(extra_context or {})})
