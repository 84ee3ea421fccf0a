"""The dossier exists from activation; the demo fills two dossiers and leaves one empty."""

import pytest
from allauth.account.models import EmailAddress, EmailConfirmation
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from dossiers.models import Dossier
from dossiers.selectors import dossier_for, missing_sections
from tests.factories import UserFactory


@pytest.mark.django_db
def test_activation_creates_the_numbered_dossier(client):
    user = UserFactory(unactivated=True)
    address = EmailAddress.objects.get(user=user)
    confirmation = EmailConfirmation.create(address)
    confirmation.sent = confirmation.created
    confirmation.save()
    assert not Dossier.objects.filter(user=user).exists()
    client.post(reverse("account_activate", args=[confirmation.key]))
    assert Dossier.objects.get(user=user).number == user.candidate_number


@pytest.mark.django_db
def test_demo_fills_two_dossiers_and_leaves_lea_empty(capsys):
    call_command("demo")
    call_command("demo")  # idempotent
    out = capsys.readouterr().out
    assert "(filled)" in out and "(empty)" in out

    def missing(email):
        dossier = dossier_for(User.objects.get(email=email))
        return missing_sections(dossier=dossier, optional_sections=set())

    assert missing("camille.martin@demo.ecandidat.localhost") == []
    assert missing("karim.benali@demo.ecandidat.localhost") == []
    assert len(missing("lea.dubois@demo.ecandidat.localhost")) == 6
    camille = User.objects.get(email="camille.martin@demo.ecandidat.localhost")
    assert camille.dossier.external_cursus.count() == 2
