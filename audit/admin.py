"""The audit log, read-only, for central administrators: centre staff read the history of
their own applications on the application page instead (scoped like everything else)."""

from django.contrib import admin

from ecandidat.scoping import NotFoundAdminMixin, sees_all_centres

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(NotFoundAdminMixin, admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor_label", "=object_id"]
    date_hierarchy = "at"
    list_select_related = ["content_type"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def _allowed(self, request) -> bool:
        return sees_all_centres(request.user)

    def has_module_permission(self, request):
        return self._allowed(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
