"""The staff admin: one sign-in page for everybody (allauth's, with its rate limits and TOTP),
and in production no admin page for a staff member who has not set up a TOTP authenticator."""

import functools
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_not_required
from django.core.signals import setting_changed
from django.shortcuts import redirect
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.decorators import method_decorator
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class EcandidatAdminSite(admin.AdminSite):
    site_header = _("ecandidat administration")
    site_title = _("ecandidat administration")
    index_title = _("Management")

    def has_permission(self, request):
        from ecandidat.scoping import backoffice_user

        return super().has_permission(request) and backoffice_user(request.user)

    @method_decorator(login_not_required)
    def login(self, request, extra_context=None):
        user = request.user
        if user.is_authenticated and not user.is_staff:
            # Sending a signed-in candidate to the sign-in page would loop back here.
            messages.error(request, _("Your account does not give access to the administration."))
            return redirect("home")
        if user.is_authenticated and user.is_active and settings.STAFF_MFA_REQUIRED:
            # Signed in but without an authenticator: send them to set one up.
            messages.warning(
                request, _("Set up two-factor authentication to use the administration.")
            )
            return redirect("mfa_activate_totp")
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")

    def _build_app_dict(self, request, label=None):
        """Django's, with the URLs reversed once per process (``_admin_url``): the sidebar
        of every admin page reversed about 85 URLs per request (docs/performance.md). The
        permissions, names and order are Django's, asked of each ModelAdmin as before."""
        if label:
            models = {m: a for m, a in self._registry.items() if m._meta.app_label == label}
        else:
            models = self._registry
        app_dict = {}
        urls = self._admin_urls()
        for model, model_admin in models.items():
            app_label = model._meta.app_label
            has_module_perms = model_admin.has_module_permission(request)
            if not has_module_perms:
                continue
            perms = model_admin.get_model_perms(request)
            if True not in perms.values():
                continue
            model_name = model._meta.model_name
            model_dict = {
                "model": model,
                # A string, not Django's lazy one: sorting compared (so translated and
                # capitalised) lazy names some 200 times per request.
                "name": _model_name(model, get_language()),
                "object_name": model._meta.object_name,
                "perms": perms,
                "admin_url": None,
                "add_url": None,
            }
            if perms.get("change") or perms.get("view"):
                model_dict["view_only"] = not perms.get("change")
                model_dict["admin_url"] = urls(f"{app_label}_{model_name}_changelist")
            if perms.get("add"):
                model_dict["add_url"] = urls(f"{app_label}_{model_name}_add")
            if app_label in app_dict:
                app_dict[app_label]["models"].append(model_dict)
            else:
                app_dict[app_label] = {
                    "name": _app_name(app_label, get_language()),
                    "app_label": app_label,
                    "app_url": urls("app_list", app_label),
                    "has_module_perms": has_module_perms,
                    "models": [model_dict],
                }
        return app_dict

    def _admin_urls(self):
        """``urls(view, app_label=None)`` is ``reverse("admin:<view>", current_app=self.name)``
        (None where Django's ``NoReverseMatch`` leaves it None), reversed once per URLconf,
        script prefix, site and view: the URLs change only with those (no language prefix
        here)."""
        known = _ADMIN_URLS.setdefault(
            (get_urlconf(), settings.ROOT_URLCONF, get_script_prefix(), self.name), {}
        )

        def urls(view, app_label=None):
            try:
                return known[view, app_label]
            except KeyError:
                pass
            kwargs = {"app_label": app_label} if app_label else None
            try:
                url = reverse(f"admin:{view}", kwargs=kwargs, current_app=self.name)
            except NoReverseMatch:
                url = None
            known[view, app_label] = url
            return url

        return urls


# The admin's URLs by (URLconf, script prefix, site) then (view, app label): a few hundred.
_ADMIN_URLS: dict = {}


# The sidebar's names in each language: translated and capitalised once per process (35
# models; the catalogues do not change while it runs). Cleared with the settings (tests).
@functools.cache
def _model_name(model, language) -> str:
    return capfirst(str(model._meta.verbose_name_plural))


@functools.cache
def _app_name(app_label, language) -> str:
    return str(apps.get_app_config(app_label).verbose_name)


def _names_clear(**kwargs) -> None:
    _model_name.cache_clear()
    _app_name.cache_clear()


setting_changed.connect(_names_clear, dispatch_uid="ecandidat.admin_site.names_clear")
