"""Staff view of dossiers (read-mostly: candidates own their data) and the editable
referentials."""

from django.contrib import admin

from ecandidat.scoping import (
    CentralEditsMixin,
    StaffScopedAdmin,
    backoffice_user,
    sees_all_centres,
)

from .models import (
    Address,
    Baccalaureate,
    BacMention,
    BacSeries,
    Commune,
    Dossier,
    Experience,
    ExternalCursus,
    InternalCursus,
    Internship,
    PersonalInfo,
)


class ReadOnlyInline(admin.StackedInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PersonalInfoInline(ReadOnlyInline):
    model = PersonalInfo


class AddressInline(ReadOnlyInline):
    model = Address


class BaccalaureateInline(ReadOnlyInline):
    model = Baccalaureate


class InternalCursusInline(ReadOnlyInline, admin.TabularInline):
    model = InternalCursus


class ExternalCursusInline(ReadOnlyInline, admin.TabularInline):
    model = ExternalCursus


class InternshipInline(ReadOnlyInline, admin.TabularInline):
    model = Internship


class ExperienceInline(ReadOnlyInline, admin.TabularInline):
    model = Experience


@admin.register(Dossier)
class DossierAdmin(StaffScopedAdmin, admin.ModelAdmin):
    """A centre's staff see the dossiers of the candidates who applied to their centres
    (``candidatures`` is named, not imported: dossiers come first in the dependencies)."""

    list_display = ["number", "user", "created_at", "personal_info_frozen_at"]
    list_select_related = ["user"]
    search_fields = ["number", "user__email", "user__last_name", "personal_info__ine"]
    list_filter = [("personal_info_frozen_at", admin.EmptyFieldListFilter)]
    readonly_fields = [
        "number",
        "user",
        "created_at",
        "personal_info_frozen_at",
        "has_no_external_cursus",
        "has_no_internships",
        "has_no_experiences",
    ]
    inlines = [
        PersonalInfoInline,
        AddressInline,
        BaccalaureateInline,
        InternalCursusInline,
        ExternalCursusInline,
        InternshipInline,
        ExperienceInline,
    ]

    def scope(self, request, queryset):
        if sees_all_centres(request.user):
            return queryset
        if not backoffice_user(request.user):
            return queryset.none()
        return queryset.filter(candidatures__programme__centre__staff=request.user).distinct()

    def has_add_permission(self, request):
        return False  # created at activation


@admin.register(Commune)
class CommuneAdmin(CentralEditsMixin, admin.ModelAdmin):
    list_display = ["insee_code", "name", "postal_code"]
    search_fields = ["insee_code", "name", "postal_code"]


@admin.register(BacSeries, BacMention)
class LabelAdmin(CentralEditsMixin, admin.ModelAdmin):
    list_display = ["code", "label", "label_en", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["code", "label", "label_en"]
