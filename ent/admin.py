"""The ENT links (which account each CAS identity signs into), for the central administration:
read-only, searchable by identifier, student number and the account's email or number."""

from django.contrib import admin

from ecandidat.scoping import CentralOnlyAdmin

from .models import EntIdentity


@admin.register(EntIdentity)
class EntIdentityAdmin(CentralOnlyAdmin, admin.ModelAdmin):
    list_display = ["uid", "provider", "user", "student_number", "created_at", "last_sign_in_at"]
    list_filter = ["provider"]
    search_fields = ["uid", "student_number", "user__email", "user__candidate_number"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in EntIdentity._meta.fields if f.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
