"""Pages of the ENT app: proving an account's password to link an ENT identity to it, and the
sign-up of a former student with their INE."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.account.utils import perform_login
from allauth.account.views import SignupView
from allauth.core import ratelimit
from allauth.socialaccount.models import SocialLogin
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from accounts.services import account_vouch

from .casauth import PENDING_LINK_SESSION_KEY
from .forms import IneSignupForm, LinkForm
from .oidc import PROVIDER as OIDC
from .oidc import claims_of
from .records import RecordsUnavailable, get_student_records
from .services import AlreadyLinked, EntClaims, identity_link, ine_claim_save, records_import_queue


def _pending(request):
    pending = request.session.get(PENDING_LINK_SESSION_KEY)
    if not isinstance(pending, dict):
        return None, None
    # The account was named by our own sign-in code, never by a request parameter.
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return pending, user


def _link_oidc(request, pending, user):
    sociallogin = SocialLogin.deserialize(pending["sociallogin"])
    with transaction.atomic():
        sociallogin.connect(request, user)
        user = account_vouch(user=user)
        claims = claims_of(sociallogin)
        if claims.student_number:
            records_import_queue(user=user, source=OIDC, student_number=claims.student_number)
    return user


@login_not_required
@require_http_methods(["GET", "POST"])
def link(request):
    """An ENT identity whose email is an existing account's: the person proves that account's
    password, then both are linked and later ENT sign-ins land in it."""
    pending, user = _pending(request)
    if user is None:
        messages.info(request, _("Your ENT sign-in has expired: please sign in again."))
        return redirect("account_login")
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        adapter = get_adapter(request)
        try:
            # allauth's own check: the same failed-attempt limit as the sign-in page.
            proved = adapter.authenticate(
                request, email=user.email, password=form.cleaned_data["password"]
            )
        except ValidationError:
            form.add_error(None, _("Too many failed attempts: please try again in 15 minutes."))
        else:
            if proved is None or proved.pk != user.pk:
                form.add_error("password", _("This is not the password of this account."))
            else:
                try:
                    if pending["kind"] == OIDC:
                        user = _link_oidc(request, pending, user)
                    else:
                        claims = EntClaims.from_session(pending["claims"])
                        user = identity_link(user=user, claims=claims)
                except AlreadyLinked:
                    del request.session[PENDING_LINK_SESSION_KEY]
                    return render(request, "ent/failure.html", {"reason": "linked"}, status=409)
                del request.session[PENDING_LINK_SESSION_KEY]
                messages.success(
                    request,
                    _("Your ENT identity is now linked to your account: use either to sign in."),
                )
                user.backend = proved.backend
                return perform_login(request, user, redirect_url="/")
    return render(
        request,
        "ent/link.html",
        {"form": form, "email": user.email, "has_password": user.has_usable_password()},
    )


class IneSignupView(SignupView):
    """« J'ai déjà été inscrit mais je n'ai pas d'accès ENT »: the ordinary sign-up plus the
    INE. The records are asked at once so a typo can be fixed; the dossier is imported after
    activation."""

    template_name = "ent/signup_ine.html"

    def get_form_class(self):
        return IneSignupForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "signup_action": reverse("ent:signup_ine")}

    def form_valid(self, form):
        ine, birth_date = form.cleaned_data["ine"], form.cleaned_data["birth_date"]
        if not ratelimit.consume(self.request, action="ine_signup", key=ine):
            form.add_error(None, _("Too many attempts: please try again in an hour."))
            return self.form_invalid(form)
        records = get_student_records()
        if records is not None:
            try:
                found = records.lookup_by_ine(ine, birth_date) is not None
            except RecordsUnavailable:
                found = True  # checked again after activation; the candidate is told then
            if not found:
                form.add_error(
                    None,
                    _(
                        "No student record matches this INE and this birth date. Check both "
                        "on a former transcript. If you have never been enrolled here, create "
                        "an ordinary account instead."
                    ),
                )
                return self.form_invalid(form)
        response = super().form_valid(form)
        if getattr(self, "user", None) is not None:
            ine_claim_save(user=self.user, ine=ine, birth_date=birth_date)
        return response


ine_signup = login_not_required(IneSignupView.as_view())
