"""allauth hooks: our sign-up fields, candidate numbers, and one login-failure counter per
account whichever login (email or candidate number) was typed."""

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.db.models import Q
from django.utils.translation import get_language

from .models import User, issue_candidate_number


class AccountAdapter(DefaultAccountAdapter):
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

    def send_mail(self, template_prefix, email, context):
        # Every mail goes through the outbox (stored, retried, shown on the Messages page).
        from notifications.account_mail import send_account_mail

        send_account_mail(template_prefix=template_prefix, email=email, context=context)
