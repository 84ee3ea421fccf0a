"""allauth's mails go through the outbox: activation at sign-up, a resent link, password reset."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from notifications.events import Event
from notifications.models import Outbox, Status
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "new.candidate@example.org",
    "email2": "new.candidate@example.org",
    "password1": DEFAULT_PASSWORD,
    "password2": DEFAULT_PASSWORD,
    "civility": "mme",
    "last_name": "Durand",
    "first_name": "Léa",
    "birth_date": "2001-03-04",
}


def test_signup_activation_mail_goes_through_the_outbox(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    row = Outbox.objects.get()
    user = row.recipient
    assert user.email == "new.candidate@example.org"
    assert (row.event, row.status, row.language) == (Event.ACTIVATION, Status.SENT, "fr")
    [message] = mailoutbox
    assert message.to == ["new.candidate@example.org"]
    assert message.subject == "[ecandidat] Activez votre compte eCandidat"
    body = message.body
    assert "Bonjour Léa," in body
    assert user.candidate_number in body
    assert "48 heures" in body
    assert "SPAM" in body
    key = EmailAddress.objects.get(user=user).emailconfirmation_set.get().key
    link = f"http://testserver/accounts/confirm-email/{key}/"
    assert link in body
    assert f'href="{link}"' in message.alternatives[0][0]
    # The link works.
    assert client.get(link).status_code == 200


def test_signup_in_english_renders_the_mail_in_english(
    english, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        english.post(reverse("account_signup"), SIGNUP)
    [message] = mailoutbox
    assert message.subject == "[ecandidat] Activate your ecandidat account"
    assert "within 48 hours" in message.body
    assert Outbox.objects.get().language == "en"


def test_resent_activation_is_its_own_event(client, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(unactivated=True, language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_resend_activation"), {"email": user.email})
        client.post(reverse("account_resend_activation"), {"email": user.email})
    rows = list(Outbox.objects.filter(recipient=user))
    assert [r.event for r in rows] == [Event.ACTIVATION_RESENT] * 2
    assert len({r.object_key for r in rows}) == 2  # each link is its own mail
    assert len(mailoutbox) == 2
    assert "Votre nouveau lien d'activation" in mailoutbox[0].subject
    assert re.search(r"/accounts/confirm-email/[a-z0-9]{64}/", mailoutbox[0].body)


def test_password_reset_mail(client, mailoutbox, django_capture_on_commit_callbacks):
    # Asked for from an English page by a candidate who signed up in French: the language
    # they last used is English (issue 13: it used to arrive in French).
    user = UserFactory(language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_reset_password"), {"email": user.email}, HTTP_ACCEPT_LANGUAGE="en"
        )
    row = Outbox.objects.get()
    assert (row.event, row.recipient, row.language) == (Event.PASSWORD_RESET, user, "en")
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
    assert "Reset your password" in mailoutbox[0].subject


def test_unknown_address_reset_has_no_recipient(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "ghost@example.org"})
    row = Outbox.objects.get()
    assert (row.event, row.recipient, row.to_address) == (
        Event.UNKNOWN_ACCOUNT,
        None,
        "ghost@example.org",
    )
    assert "/accounts/signup/" in mailoutbox[0].body


def test_unmapped_allauth_mail_keeps_allauth_wording(mailoutbox, rf):
    from allauth.account.adapter import get_adapter
    from allauth.core import context

    user = UserFactory()
    request = rf.get("/")
    request.user = user
    with context.request_context(request):
        get_adapter(request).send_mail("mfa/email/totp_activated", user.email, {"user": user})
    row = Outbox.objects.get()
    assert row.event == Event.ACCOUNT_NOTICE
    assert row.recipient == user
    assert not row.subject.startswith("[ecandidat] [ecandidat]")
    assert user.candidate_number in row.body_text


def test_the_new_candidate_reads_the_activation_mail_on_the_messages_page(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), SIGNUP)
    row = Outbox.objects.get()
    client.force_login(row.recipient)
    page = client.get(reverse("notifications:message_list")).content.decode()
    assert "Activez votre compte eCandidat" in page
    detail = client.get(reverse("notifications:message_detail", args=[row.pk])).content.decode()
    assert "/accounts/confirm-email/" in detail
    assert row.recipient.candidate_number in detail
