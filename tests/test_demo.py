"""`manage.py demo` is idempotent, including after the demo candidates have submitted."""

import pytest
from django.core.management import call_command

from accounts.models import User
from candidatures.models import Campaign, Candidature
from dossiers.selectors import dossier_for
from dossiers.services import dossier_freeze_personal_info

pytestmark = pytest.mark.django_db


def test_demo_twice_even_after_a_submission(capsys):
    call_command("demo")
    first = capsys.readouterr().out
    assert "gestionnaire@demo.ecandidat.localhost" in first
    users, applications = User.objects.count(), Candidature.objects.count()
    camille = User.objects.get(email="camille.martin@demo.ecandidat.localhost")
    dossier_freeze_personal_info(dossier=dossier_for(camille))
    call_command("demo")
    assert (User.objects.count(), Candidature.objects.count()) == (users, applications)
    assert Campaign.objects.filter(is_active=True).count() == 1
