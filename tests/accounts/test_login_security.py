"""Brute force, enumeration and uniqueness protections of the account pages."""

import re

import pytest
from django.db import IntegrityError
from django.urls import reverse

from accounts.models import IssuedCandidateNumber, User, issue_candidate_number
from tests.factories import DEFAULT_PASSWORD, SIGNUP_FORM, UserFactory

pytestmark = pytest.mark.django_db

CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def login(client, login_value, password):
    return client.post(reverse("account_login"), {"login": login_value, "password": password})


def test_sixth_wrong_password_is_refused_even_with_the_right_one(client):
    user = UserFactory()
    for _ in range(5):
        response = login(client, user.email, "wrong-password-123")
        assert "_auth_user_id" not in client.session
    response = login(client, user.email, DEFAULT_PASSWORD)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    assert response.context["form"].errors


def test_failures_count_per_account_whichever_login_is_typed(client):
    user = UserFactory()
    for attempt in range(5):
        login(client, user.email if attempt % 2 else user.candidate_number, "wrong-password-123")
    login(client, user.candidate_number, DEFAULT_PASSWORD)
    assert "_auth_user_id" not in client.session


def test_right_password_within_the_limit_signs_in(client):
    user = UserFactory()
    for _ in range(4):
        login(client, user.email, "wrong-password-123")
    login(client, user.email, DEFAULT_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)


def _normalised(response):
    return CSRF_RE.sub(b"", response.content)


def test_signup_answers_the_same_for_a_known_email(client, mailoutbox):
    UserFactory(email="known@example.org")
    payload = SIGNUP_FORM
    known = client.post(
        reverse("account_signup"),
        {**payload, "email": "KNOWN@example.org", "email2": "KNOWN@example.org"},
    )
    client.logout()
    unknown = client.post(
        reverse("account_signup"),
        {**payload, "email": "new@example.org", "email2": "new@example.org"},
    )
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    client.logout()
    assert _normalised(client.get(known.url)) == _normalised(client.get(unknown.url))
    assert User.objects.filter(email__iexact="known@example.org").count() == 1
    # The owner of the known address is told someone tried; the new one gets an activation link.
    assert sorted(m.to[0] for m in mailoutbox) == ["known@example.org", "new@example.org"]


@pytest.mark.parametrize(
    ("url_name", "field"),
    [("account_reset_password", "email"), ("account_resend_activation", "email")],
)
def test_reset_and_resend_answer_the_same_for_known_and_unknown(client, url_name, field):
    UserFactory(email="known@example.org", unactivated=True)
    known = client.post(reverse(url_name), {field: "known@example.org"})
    unknown = client.post(reverse(url_name), {field: "nobody@example.org"})
    assert known.status_code == unknown.status_code
    assert getattr(known, "url", None) == getattr(unknown, "url", None)
    if known.status_code == 200:
        assert _normalised(known).replace(b"known", b"X") == _normalised(unknown).replace(
            b"nobody", b"X"
        )


def test_email_is_unique_case_insensitively_in_the_database():
    UserFactory(email="same@example.org")
    other = UserFactory(email="other@example.org")
    with pytest.raises(IntegrityError):
        User.objects.filter(pk=other.pk).update(email="SAME@example.org")


def test_candidate_numbers_are_never_reused(monkeypatch):
    taken = issue_candidate_number()
    User.objects.create_user("gone@example.org", "x", candidate_number=taken)
    User.objects.filter(candidate_number=taken).delete()
    draws = iter(taken + "ZZZZZZZZ")
    monkeypatch.setattr("accounts.models.secrets.choice", lambda alphabet: next(draws))
    assert issue_candidate_number() == "ZZZZZZZZ"
    assert IssuedCandidateNumber.objects.filter(number=taken).exists()


def test_resend_is_rate_limited(client, mailoutbox):
    UserFactory(email="slow@example.org", unactivated=True)
    for _ in range(3):
        client.post(reverse("account_resend_activation"), {"email": "slow@example.org"})
    response = client.post(reverse("account_resend_activation"), {"email": "slow@example.org"})
    assert len(mailoutbox) <= 3
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
