"""Staff view of accounts."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from ecandidat.scoping import CentralOnlyAdmin

from .models import User


@admin.register(User)
class UserAdmin(CentralOnlyAdmin, DjangoUserAdmin):
    """Accounts and their groups (« Gestionnaires de centre », « Scolarité centrale »): the
    central administration's."""

    ordering = ["-date_joined"]
    list_display = [
        "candidate_number",
        "email",
        "last_name",
        "first_name",
        "activated_at",
        "is_staff",
    ]
    list_filter = [
        "is_staff",
        "is_superuser",
        "is_active",
        ("activated_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["candidate_number", "email", "last_name", "first_name"]
    readonly_fields = ["candidate_number", "date_joined", "activated_at", "last_login"]
    fieldsets = [
        (None, {"fields": ["candidate_number", "email", "password"]}),
        (
            _("Identity"),
            {"fields": ["civility", "last_name", "first_name", "birth_date", "language"]},
        ),
        (_("Status"), {"fields": ["is_active", "date_joined", "activated_at", "last_login"]}),
        (_("Permissions"), {"fields": ["is_staff", "is_superuser", "groups", "user_permissions"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
