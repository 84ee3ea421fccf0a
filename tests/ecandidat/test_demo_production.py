"""`manage.py demo` under production's rule (a TOTP authenticator for every staff and
reviewer door): it builds the same data without any override, each staff and reviewer
account it prints gets an authenticator of its own whose secret is printed once, and a
second run leaves the authenticators alone. Before, the demo acted as staff without an
authenticator and production refused it (ActorNotAllowed)."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core.management import call_command

from accounts.models import User
from candidatures.models import Candidature, Status
from commissions import demo as commissions_demo

pytestmark = pytest.mark.django_db

LOGIN = re.compile(r"(\S+@\S+) / \S+ \(TOTP secret ([A-Z2-7]{32})\)")


def test_the_demo_builds_its_data_through_production_doors(settings, capsys):
    settings.STAFF_MFA_REQUIRED = True
    call_command("demo")
    out = capsys.readouterr().out
    secrets = dict(LOGIN.findall(out))
    privileged = User.objects.filter(is_staff=True) | User.objects.filter(
        commission_memberships__isnull=False
    )
    assert set(secrets) == set(privileged.values_list("email", flat=True))
    assert len(secrets) == 8  # superuser, central, 2 centre staff, 4 reviewers
    for email, secret in secrets.items():
        totp = TOTP(Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP))
        assert totp.validate_code(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    # The back office's demo review and the commission's complete applications were made.
    assert Candidature.objects.filter(status=Status.INCOMPLETE).exists()
    member = User.objects.get(email=commissions_demo.MEMBER[0])
    assert Candidature.objects.for_reviewer(member).count() == 6

    call_command("demo")  # idempotent: no new secret, the same authenticators
    again = capsys.readouterr().out
    assert not LOGIN.search(again)
    assert again.count("TOTP authenticator already set up") == 8
    assert Authenticator.objects.filter(type=Authenticator.Type.TOTP).count() == 8


def test_the_embedded_demo_gives_nobody_an_authenticator(settings, capsys):
    settings.STAFF_MFA_REQUIRED = False
    call_command("demo")
    assert "TOTP" not in capsys.readouterr().out
    assert not Authenticator.objects.exists()
