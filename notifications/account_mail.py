"""allauth's mails (activation, reset...) as outbox events: the account adapter's ``send_mail``
hands them here instead of sending them itself."""

import copy
import hashlib
import uuid

from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.utils.translation import get_language

from .events import Event
from .services import notify

PREFIX = "account/email/"
EVENTS = {
    "email_confirmation_signup": Event.ACTIVATION,
    "password_reset_key": Event.PASSWORD_RESET,
    "account_already_exists": Event.ACCOUNT_ALREADY_EXISTS,
    "unknown_account": Event.UNKNOWN_ACCOUNT,
    "email_changed": Event.EMAIL_CHANGED,
    "password_changed": Event.PASSWORD_CHANGED,
    "password_reset": Event.PASSWORD_CHANGED,
    "password_set": Event.PASSWORD_CHANGED,
}
# Live objects allauth passes along; templates get plain values only.
DROPPED = {"request", "user", "current_site", "timestamp", "ip", "user_agent"}


def _event(template_prefix: str, user) -> str:
    name = template_prefix.removeprefix(PREFIX)
    if name == "email_confirmation":
        # Sent again before activation, or to verify a new address of an activated account.
        if user is not None and user.activated_at is None:
            return Event.ACTIVATION_RESENT
        return Event.EMAIL_CHANGE_VERIFICATION
    return EVENTS.get(name, Event.ACCOUNT_NOTICE)


def _object_key(template_prefix: str, context: dict) -> str:
    """The link's secret identifies the mail (a repeated call is the same mail); mails without
    one are each their own."""
    secret = context.get("key") or context.get("password_reset_url") or context.get("code")
    if secret:
        return f"{template_prefix}:{hashlib.sha256(str(secret).encode()).hexdigest()[:32]}"
    return f"{template_prefix}:{uuid.uuid4().hex}"


def _allauth_rendering(template_prefix: str, email: str, context: dict) -> dict:
    """Mails we have no template for (MFA notices...) keep allauth's wording."""
    request = context.get("request") or allauth_context.request
    message = get_adapter().render_mail(
        template_prefix,
        email,
        {"email": email, "current_site": get_current_site(request), **context},
    )
    subject = message.subject.removeprefix(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX or "")
    return {"notice_subject": subject, "notice_body": message.body}


def send_account_mail(*, template_prefix: str, email: str, context: dict):
    User = get_user_model()
    user = context.get("user")
    if not isinstance(user, User):
        user = User.objects.filter(email__iexact=email).first()
    event = _event(template_prefix, user)
    if user is not None and (context.get("request") or allauth_context.request) is not None:
        # Asked for from a page (reset, change of address...): in the language of that page,
        # which notify() takes from the recipient. Not saved: the requester may not be them.
        user = copy.copy(user)
        user.language = (get_language() or user.language)[:2]
    plain_context = {k: v for k, v in context.items() if k not in DROPPED}
    plain_context["email"] = email
    plain_context["activation_hours"] = int(
        settings.ACCOUNT_ACTIVATION_PERIOD.total_seconds() // 3600
    )
    if event == Event.ACCOUNT_NOTICE:
        plain_context.update(_allauth_rendering(template_prefix, email, context))
    return notify(
        event=event,
        recipient=user,
        to=email,
        language=get_language(),
        context=plain_context,
        object_key=_object_key(template_prefix, context),
    )
