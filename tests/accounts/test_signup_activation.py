"""Sign-up, the 48-hour activation, and the pages for each kind of activation link."""

import datetime
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from accounts.models import User

pytestmark = pytest.mark.django_db

SIGNUP = {
    "civility": "mme",
    "last_name": "Durand",
    "first_name": "Alice",
    "birth_date": "2001-02-03",
    "email": "alice.durand@example.org",
    "email2": "alice.durand@example.org",
    "password1": "un-mot-de-passe-solide",
    "password2": "un-mot-de-passe-solide",
}
LINK_RE = re.compile(r"http://testserver(/accounts/confirm-email/[a-z0-9]{64}/)")


def sign_up(client, **overrides):
    return client.post(reverse("account_signup"), {**SIGNUP, **overrides})


def activation_path(mail):
    return LINK_RE.search(mail.body).group(1)


def test_signup_creates_an_inactive_account_and_mails_the_link(client, mailoutbox):
    response = sign_up(client)
    assert response.status_code == 302
    user = User.objects.get(email="alice.durand@example.org")
    assert (user.civility, user.last_name, user.first_name) == ("mme", "Durand", "Alice")
    assert user.birth_date == datetime.date(2001, 2, 3)
    assert user.activated_at is None
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{8}", user.candidate_number)
    assert [m.to for m in mailoutbox] == [["alice.durand@example.org"]]
    assert activation_path(mailoutbox[0])
    # Not usable before activation.
    client.logout()
    client.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert "_auth_user_id" not in client.session


def test_activation_then_login_with_email_or_candidate_number(client, mailoutbox):
    sign_up(client)
    client.logout()
    path = activation_path(mailoutbox[0])
    page = client.get(path)
    assert page.status_code == 200
    assert b"alice.durand@example.org" in page.content
    response = client.post(path)
    assert response.status_code == 302
    user = User.objects.get(email="alice.durand@example.org")
    assert user.activated_at is not None
    assert EmailAddress.objects.get(user=user).verified

    client.post(
        reverse("account_login"),
        {"login": "ALICE.durand@example.org", "password": SIGNUP["password1"]},
    )
    assert client.session["_auth_user_id"] == str(user.pk)
    home = client.get("/")
    assert user.candidate_number.encode() in home.content
    client.post(reverse("account_logout"))
    client.post(
        reverse("account_login"),
        {"login": user.candidate_number.lower(), "password": SIGNUP["password1"]},
    )
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize(
    ("elapsed", "activated"),
    [
        (datetime.timedelta(hours=47, minutes=59), True),
        (datetime.timedelta(hours=48, minutes=1), False),
    ],
)
def test_activation_is_valid_48_hours(client, mailoutbox, elapsed, activated):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_up(client)
    client.logout()
    path = activation_path(mailoutbox[0])
    with time_machine.travel(start + elapsed, tick=False):
        response = client.post(path)
    user = User.objects.filter(email=SIGNUP["email"]).first()
    if activated:
        assert response.status_code == 302
        assert user.activated_at is not None
    else:
        assert response.status_code == 410
        assert "48" in response.content.decode()
        assert user is None, "the expired account is deleted so the candidate can sign up again"


def test_a_resent_link_does_not_extend_the_48_hours(client, mailoutbox):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_up(client)
    client.logout()
    with time_machine.travel(start + datetime.timedelta(hours=47), tick=False):
        client.post(reverse("account_resend_activation"), {"email": SIGNUP["email"]})
    assert len(mailoutbox) == 2
    with time_machine.travel(start + datetime.timedelta(hours=48, minutes=5), tick=False):
        response = client.post(activation_path(mailoutbox[1]))
    assert response.status_code == 410


def test_used_malformed_and_unknown_links_each_have_their_page(client, mailoutbox):
    sign_up(client)
    client.logout()
    path = activation_path(mailoutbox[0])
    client.post(path)
    used = client.get(path)
    assert used.status_code == 200
    assert "activation_used.html" in [t.name for t in used.templates][0]
    malformed = client.get("/accounts/confirm-email/not-a-key/")
    assert malformed.status_code == 400
    assert malformed.templates[0].name == "accounts/activation_malformed.html"
    unknown = client.get("/accounts/confirm-email/" + "a" * 64 + "/")
    assert unknown.status_code == 404
    assert unknown.templates[0].name == "accounts/activation_unknown.html"


def test_bad_signup_input_keeps_what_was_typed_except_passwords(client):
    response = sign_up(
        client,
        email2="other@example.org",
        password1="tinypw9",
        password2="tinypw9",
        birth_date=(timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="form-errors"' in body
    assert 'value="Durand"' in body
    assert 'value="alice.durand@example.org"' in body
    assert "tinypw9" not in body
    errors = response.context["form"].errors
    assert {"email2", "password1", "birth_date"} <= set(errors)
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"birth_date": "31/02/2001"},
        {"birth_date": "1850-01-01"},
        {"email": "not an email", "email2": "not an email"},
        {"civility": "dr"},
        {"last_name": "x" * 500},
        {"password1": "password123456", "password2": "password123456"},
    ],
)
def test_no_signup_input_gives_a_server_error(client, payload):
    response = client.post(reverse("account_signup"), {**SIGNUP, **payload} if payload else {})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.exists()
