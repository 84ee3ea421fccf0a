"""The staff admin: one sign-in page for everybody (allauth's, with its rate limits and TOTP),
and in production no admin page for a staff member who has not set up a TOTP authenticator."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
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
