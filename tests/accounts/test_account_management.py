"""Password reset (1 hour, single use), email change (verified again), password change."""

import datetime
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
RESET_RE = re.compile(r"http://testserver(/accounts/password/reset/key/[^\s]+/)")
NEW_PASSWORD = "un-autre-mot-de-passe"


def request_reset(client, mailoutbox, email):
    client.post(reverse("account_reset_password"), {"email": email})
    return RESET_RE.search(mailoutbox[-1].body).group(1)


def follow_reset(client, path):
    """allauth stores the key in the session and redirects to a key-less URL."""
    response = client.get(path)
    if response.status_code == 302:
        path = response.url
        response = client.get(path)
    return path, response


def test_reset_link_works_once(client, mailoutbox):
    user = UserFactory()
    path, page = follow_reset(client, request_reset(client, mailoutbox, user.email))
    assert page.context["form"] is not None
    client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    client.logout()
    _, again = follow_reset(client, path)
    assert again.context.get("token_fail")


def test_reset_link_expires_after_one_hour(client, mailoutbox):
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        link = request_reset(client, mailoutbox, user.email)
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        _, page = follow_reset(client, link)
    assert page.context.get("token_fail")
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_email_change_is_verified_before_it_counts(client, mailoutbox):
    user = UserFactory(email="before@example.org")
    client.force_login(user)
    client.post(reverse("account_email"), {"action_add": "", "email": "after@example.org"})
    user.refresh_from_db()
    assert user.email == "before@example.org"
    assert mailoutbox[-1].to == ["after@example.org"]
    assert not EmailAddress.objects.get(email="after@example.org").verified


def test_password_change_is_notified_to_the_owner(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_change_password"),
            {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert [m.to for m in mailoutbox] == [[user.email]]
