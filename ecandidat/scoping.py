"""Who may use the back office, and over which centres. One rule for every staff door (the
admin, file downloads, exports, the workflow's actor guard): an active staff account, with its
TOTP authenticator when ``STAFF_MFA_REQUIRED`` is on; central administrators (the
``candidatures.manage_all_centres`` permission, given through the « Scolarité centrale »
group) over every centre, centre staff over the centres they are named on.

The querysets themselves are ``Centre/Programme/Candidature.objects.for_staff(user)``; the
answers here are cached on the user object, which lives for one request."""

import html
from urllib.parse import quote_plus

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.http import Http404
from django.urls import path
from django.utils.encoding import iri_to_uri
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

MANAGE_ALL_CENTRES = "candidatures.manage_all_centres"


def has_totp(user) -> bool:
    """Whether ``user`` has a TOTP authenticator (asked once per request: every staff and
    reviewer page asks it, and the ORM's exists() cost more to compile than to run)."""
    if not hasattr(user, "_ecandidat_has_totp"):
        from allauth.mfa.models import Authenticator
        from django.db import connection

        table = Authenticator._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE user_id = %s AND type = %s LIMIT 1',  # noqa: S608 (the model's table)
                [user.pk, str(Authenticator.Type.TOTP)],
            )
            user._ecandidat_has_totp = cursor.fetchone() is not None
    return user._ecandidat_has_totp


def backoffice_user(user) -> bool:
    """May ``user`` pass any staff door at all? (Asked some 40 times by an admin page, once
    per ModelAdmin's permission: the answer is cached on the user with the TOTP one, keyed by
    the flags it reads.)"""
    if user is None or not user.is_authenticated:
        return False
    flags = (user.is_active, user.is_staff, settings.STAFF_MFA_REQUIRED)
    known = getattr(user, "_ecandidat_backoffice", None)
    if known is not None and known[0] == flags:
        return known[1]
    answer = flags[0] and flags[1] and (not flags[2] or has_totp(user))
    user._ecandidat_backoffice = (flags, answer)
    return answer


def reviewer_user(user) -> bool:
    """May ``user`` pass a reviewer door at all? Commission members are often teachers
    without a staff account; they read candidates' documents, so the same TOTP rule holds."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return not settings.STAFF_MFA_REQUIRED or has_totp(user)


def sees_all_centres(user) -> bool:
    return backoffice_user(user) and user.has_perm(MANAGE_ALL_CENTRES)


class NotFoundAdminMixin:
    """An object outside the user's scope answers 404, like an unknown id (Django's admin
    redirects to its index with "doesn't exist" instead)."""

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404


class StaffScopedAdmin(NotFoundAdminMixin):
    """ModelAdmin mixin: every queryset of the page goes through ``scope(request, queryset)``
    (the list, the change page, actions, autocompletes), foreign-key choices too (through
    the related model's ``objects.for_staff`` when it has one); objects outside the scope
    answer 404 like unknown ids. ``central_only`` admins are for central administrators."""

    central_only = False

    def action_checkbox(self, obj):
        """The same input as Django's, written directly: Django renders a CheckboxInput
        widget through the form renderer (the DSFR's templates) for each of the 50 rows,
        a sixth of the changelist's time (docs/performance.md)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    def scope(self, request, queryset):
        return queryset.for_staff(request.user)

    def get_queryset(self, request):
        return self.scope(request, super().get_queryset(request))

    def has_module_permission(self, request):
        if self.central_only and not sees_all_centres(request.user):
            return False
        return super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        if self.central_only and not sees_all_centres(request.user):
            return False
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if self.central_only and not sees_all_centres(request.user):
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request, *args):
        if self.central_only and not sees_all_centres(request.user):
            return False
        return super().has_add_permission(request, *args)

    def has_delete_permission(self, request, obj=None):
        if self.central_only and not sees_all_centres(request.user):
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        manager = db_field.related_model._default_manager
        if "queryset" not in kwargs and hasattr(manager.get_queryset(), "for_staff"):
            kwargs["queryset"] = manager.get_queryset().for_staff(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CentralOnlyAdmin(StaffScopedAdmin):
    """For central administrators only (accounts, the audit log, the outbox...)."""

    central_only = True

    def scope(self, request, queryset):
        return queryset if sees_all_centres(request.user) else queryset.none()


class CentralEditsMixin:
    """Every staff member reads these; only central administrators change them."""

    def has_add_permission(self, request, *args):
        return sees_all_centres(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return sees_all_centres(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return sees_all_centres(request.user) and super().has_delete_permission(request, obj)


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """Offers only the centres / programmes the staff member manages. Cheaper than Django's
    on long lists (the applications list offers every programme, 200 in the bench): the
    labels are read without building the objects when the queryset has ``choice_labels()``,
    and each choice's link is the same query string with the choice's key put in, not
    ``get_query_string()`` again; each choice's ``<li>`` is written here, the template
    (``admin/filter.html`` but for its loop) only puts them one after the other. The HTML is
    Django's (tests/candidatures/test_admin.py)."""

    template = "admin/scoped_filter.html"

    def field_choices(self, field, request, model_admin):
        related = field.related_model.objects.for_staff(request.user)
        if hasattr(related, "choice_labels"):
            return related.choice_labels()
        return [(obj.pk, str(obj)) for obj in related]

    def choices(self, changelist):
        for choice in self._choices(changelist):
            yield {**choice, "item": _filter_item(choice)}

    def _choices(self, changelist):
        # With facets (counts), or a query string where the marker is not alone: Django's.
        marker = "0ecandidat0choice0"
        params = {
            key: value
            for key, value in changelist.filter_params.items()
            if not key.startswith(self.lookup_kwarg_isnull)
        }
        params[self.lookup_kwarg] = marker
        query = "?" + urlencode(sorted(params.items()), doseq=True)
        if changelist.add_facets or query.count(marker) != 1:
            yield from super().choices(changelist)
            return
        head, _marker, tail = query.partition(marker)
        # The link's href escaped around the key once: iri_to_uri and escape work character by
        # character, and a quote_plus()d key is left as it is by both.
        href_head, href_tail = html.escape(iri_to_uri(head)), html.escape(iri_to_uri(tail))
        yield next(super().choices(changelist))  # "All", as Django writes it
        for pk_val, val in self.lookup_choices:
            key = quote_plus(str(pk_val))
            yield {
                "selected": self.lookup_val is not None and str(pk_val) in self.lookup_val,
                "query_string": f"{head}{key}{tail}",
                "display": val,
                "href": f"{href_head}{key}{href_tail}",
            }
        if self.include_empty_choice:
            yield {
                "selected": bool(self.lookup_val_isnull),
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg_isnull: "True"}, [self.lookup_kwarg]
                ),
                "display": self.empty_value_display,
            }


def _filter_item(choice) -> str:
    """One choice as ``admin/filter.html``'s loop writes it, whitespace included (``html.escape``
    is Django's ``escape`` without its lazy-string wrapper)."""
    selected = ' class="selected"' if choice["selected"] else ""
    href = choice.get("href") or html.escape(iri_to_uri(choice["query_string"]))
    return mark_safe(  # noqa: S308 (both values escaped)
        f'\n    <li{selected}>\n    <a href="{href}">{html.escape(str(choice["display"]))}</a></li>\n  '
    )


def admin_paths(model_admin, routes) -> list:
    """A ModelAdmin's own pages: ``[(route, suffix, view)]`` become admin-protected URL
    patterns named ``<app>_<model>_<suffix>``."""
    app, model = model_admin.model._meta.app_label, model_admin.model._meta.model_name
    return [
        path(route, model_admin.admin_site.admin_view(view), name=f"{app}_{model}_{suffix}")
        for route, suffix, view in routes
    ]
