"""The demo's commission: a president and a member see the six complete applications waiting
for decisions, publishable today; the other commission's president sees none of them."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from candidatures.models import Candidature
from commissions import demo

pytestmark = pytest.mark.django_db


def test_the_demo_commission_is_ready_to_decide(capsys):
    call_command("demo")
    out = capsys.readouterr().out
    for email, *_names in (demo.PRESIDENT, demo.MEMBER, demo.OTHER):
        assert email in out
        assert User.objects.get(email=email).check_password(demo.REVIEWER_PASSWORD)
    president = User.objects.get(email=demo.PRESIDENT[0])
    member = User.objects.get(email=demo.MEMBER[0])
    other = User.objects.get(email=demo.OTHER[0])
    waiting = Candidature.objects.for_reviewer(member)
    assert waiting.count() == 6 and not waiting.exclude(decision="").exists()
    assert Candidature.objects.for_reviewer(president, presidents_only=True).count() == 6
    assert not Candidature.objects.for_reviewer(other).filter(pk__in=waiting).exists()
    programme = waiting.first().programme
    assert programme.has_waiting_list and programme.publication_at <= timezone.now()
    assert all(c.pieces.count() == 2 for c in waiting)
    call_command("demo")  # idempotent
    assert Candidature.objects.for_reviewer(member).count() == 6
