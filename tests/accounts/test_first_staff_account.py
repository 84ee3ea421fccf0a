"""The first staff account of a deployment, made as the README says (`manage.py
createsuperuser`), signs in and is sent to set up its authenticator before the admin opens.
Before, allauth sent it to confirm an address nobody would mail it about: it could not sign
in at all (found by the smoke run)."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.urls import reverse
from django.utils.http import urlencode

pytestmark = pytest.mark.django_db

EMAIL, PASSWORD = "exploitation@univ.example", "un-mot-de-passe-solide-2026"


def test_createsuperuser_makes_an_account_that_signs_in_and_sets_up_totp(
    client, settings, monkeypatch
):
    settings.STAFF_MFA_REQUIRED = True
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", "--email", EMAIL, verbosity=0)
    address = EmailAddress.objects.get(email=EMAIL)
    assert address.verified and address.primary

    signed_in = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert "confirm-email" not in signed_in["Location"]
    admin = client.get("/admin/", follow=True)
    # Setting up an authenticator asks for the password again first (allauth).
    activate = reverse("mfa_activate_totp")
    assert (
        admin.redirect_chain[-1][0]
        == f"{reverse('account_reauthenticate')}?{urlencode({'next': activate})}"
    )
