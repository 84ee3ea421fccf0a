"""Account pages of our own: home, activation link outcomes, resend of the activation link.
Sign-in, sign-up, reset, email and password change are allauth's views in our templates."""

import re

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ecandidat.prepared import Prepared

from .forms import ResendActivationForm
from .models import User
from .services import (
    ActivationExpired,
    AlreadyActivated,
    account_activate,
    account_delete_if_expired,
)

ACTIVATION_KEY_RE = re.compile(r"^[a-z0-9]{64}$")


def _a_membership(user_id):
    # ``user.commission_memberships.exists()``, compiled once (ecandidat.prepared): the home
    # asks it of every signed-in visitor. Through the reverse relation: nothing of the
    # commissions app is imported here.
    relation = User._meta.get_field("commission_memberships")
    return (
        relation.related_model._default_manager.filter(**{relation.field.attname: user_id})
        .only("pk")
        .order_by()[:1]
    )


_membership_of = Prepared(_a_membership)


@login_not_required
def home(request):
    user = request.user
    reviewer = user.is_authenticated and bool(_membership_of(user_id=user.pk))
    if reviewer and not user.is_staff and not hasattr(user, "dossier"):
        # A commission member who is not a candidate (the sign-in lands here): their place is
        # the applications they examine, not a candidate's home.
        return redirect("commissions:list")
    return render(request, "home.html", {"reviewer": reviewer})


@login_not_required  # public under a deny-by-default LoginRequiredMiddleware too
def accessibility(request):
    """The accessibility statement (« Déclaration d'accessibilité »), public like the home."""
    return render(request, "accessibility.html")


@login_not_required
@require_http_methods(["GET", "POST"])
def activate(request, key):
    """One page per outcome, so the candidate always knows what to do next."""
    if not ACTIVATION_KEY_RE.match(key):
        return render(request, "accounts/activation_malformed.html", status=400)
    confirmation = (
        EmailConfirmation.objects.select_related("email_address__user").filter(key=key).first()
    )
    if confirmation is None:
        return render(request, "accounts/activation_unknown.html", status=404)
    user = confirmation.email_address.user
    if user.activated_at and confirmation.email_address.verified:
        return render(request, "accounts/activation_used.html", {"account": user})
    if user.activation_expired():
        account_delete_if_expired(user=user)
        return render(request, "accounts/activation_expired.html", status=410)
    if request.method == "GET":
        return render(request, "accounts/activation_confirm.html", {"account": user, "key": key})
    try:
        account_activate(request=request, confirmation=confirmation)
    except AlreadyActivated:
        return render(request, "accounts/activation_used.html", {"account": user})
    except ActivationExpired:
        account_delete_if_expired(user=user)
        return render(request, "accounts/activation_expired.html", status=410)
    messages.success(
        request,
        _("Your account is activated. Sign in with your email or your candidate number %(number)s.")
        % {"number": user.candidate_number},
    )
    return redirect("account_login")


@login_not_required
@require_http_methods(["GET", "POST"])
def resend_activation(request):
    """Same answer whatever the address: nobody learns here whether an account exists."""
    form = ResendActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        if not ratelimit.consume(request, action="resend_activation", key=email):
            form.add_error(None, _("Too many requests: please try again in an hour."))
        else:
            address = (
                EmailAddress.objects.select_related("user")
                .filter(email__iexact=email, verified=False, user__activated_at__isnull=True)
                .first()
            )
            if address and not address.user.activation_expired():
                address.send_confirmation(request)
            return render(request, "accounts/activation_resent.html", {"email": email})
    return render(request, "accounts/activation_resend.html", {"form": form})
