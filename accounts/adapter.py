"""allauth hooks: our sign-up fields, candidate numbers, and one login-failure counter per
account whichever login (email or candidate number) was typed."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import User, issue_candidate_number

logger = logging.getLogger(__name__)

LOGIN_MISMATCH = _("The email address (or candidate number) or the password is not correct.")


class AccountAdapter(DefaultAccountAdapter):
    # allauth's French says "pseudo": there is none here, one signs in with an email address
    # or a candidate number.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": LOGIN_MISMATCH,
        "username_password_mismatch": LOGIN_MISMATCH,
    }

    def respond_email_verification_sent(self, request, user):
        # Signing in to an account not activated yet lands on the same page as after the
        # sign-up: it must say why, and offer the link again.
        match = getattr(request, "resolver_match", None)
        if user is not None and match is not None and match.url_name == "account_login":
            return redirect(reverse("account_email_verification_sent") + "?not-activated=1")
        return super().respond_email_verification_sent(request, user)

    def populate_username(self, request, user):
        if not user.candidate_number:
            user.candidate_number = issue_candidate_number()

    def save_user(self, request, user, form, commit=True):
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=False)
            data = form.cleaned_data
            user.civility = data["civility"]
            user.last_name = data["last_name"]
            user.first_name = data["first_name"]
            user.birth_date = data["birth_date"]
            user.language = (get_language() or "fr")[:2]
            if commit:
                user.save()
        return user

    def _get_login_attempts_cache_key(self, request, **credentials):
        # Counting failures per typed login would give an attacker twice the attempts (email,
        # then candidate number): count them per account when the login names one.
        login = (credentials.get("email") or credentials.get("username") or "").strip()
        user_pk = (
            User.objects.filter(Q(email__iexact=login) | Q(candidate_number__iexact=login))
            .values_list("pk", flat=True)
            .first()
        )
        key = f"user:{user_pk}" if user_pk else login.lower()
        return f"login:{key}"

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        address = request.META.get("REMOTE_ADDR") if request else None
        if user is not None:
            self._clear_account_failures(request, **credentials)
            logger.info("signed in: account %s from %s", user.candidate_number, address)
        else:
            # The typed login is not written: it is sometimes the password, typed in the
            # wrong field. The account it names, if any, is.
            login = (credentials.get("email") or credentials.get("username") or "").strip()
            number = (
                User.objects.filter(Q(email__iexact=login) | Q(candidate_number__iexact=login))
                .values_list("candidate_number", flat=True)
                .first()
            )
            account = f"account {number}" if number else "unknown login"
            logger.warning("sign-in failed: %s from %s", account, address)
        return user

    def _clear_account_failures(self, request, **credentials):
        """The right password clears the account's own failure count (allauth only takes back
        the current attempt, so 4 wrong + right + 4 wrong locked the owner out). The per-address
        count stays: one account's owner cannot reset the budget of a guesser on their network.
        """
        per_account = ",".join(
            rate
            for rate in settings.ACCOUNT_RATE_LIMITS.get("login_failed", "").split(",")
            if rate.strip().endswith("/key")
        )
        ratelimit.clear(
            request,
            app="allauth.account",
            action="login_failed",
            config={"login_failed": per_account},
            key=self._get_login_attempts_cache_key(request, **credentials),
        )

    def get_client_ip(self, request):
        # With ALLAUTH_TRUSTED_PROXY_COUNT set, a request carrying fewer X-Forwarded-For entries
        # than proxies did not come through all of them: count it under the address that
        # reached us (never a client-written one) instead of answering 500.
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            logger.warning("X-Forwarded-For shorter than ALLAUTH_TRUSTED_PROXY_COUNT")
            return request.META["REMOTE_ADDR"]

    def send_mail(self, template_prefix, email, context):
        # Every mail goes through the outbox (stored, retried, shown on the Messages page).
        from notifications.account_mail import send_account_mail

        send_account_mail(template_prefix=template_prefix, email=email, context=context)
