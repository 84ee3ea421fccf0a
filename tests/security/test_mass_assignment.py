"""Candidates posting fields their forms do not have (status, decision, another dossier, the
freeze date, frozen personal information) change nothing but what the form offers."""

import pytest
from django.urls import reverse

from candidatures.models import Candidature
from dossiers.models import Dossier, PersonalInfo
from dossiers.services import dossier_freeze_personal_info
from tests.dossiers.test_sections import PERSONAL
from tests.factories import DossierFactory

from .routes import World

pytestmark = pytest.mark.django_db

EXTRA = {
    "status": "complete",
    "decision": "favourable",
    "answer": "confirmed",
    "decision_published_at": "2026-01-01 00:00",
    "waitlist_rank": "1",
    "dossier": "1",
    "dossier_id": "1",
    "user": "1",
    "user_id": "1",
    "number": "HACKED01",
    "personal_info_frozen_at": "",
    "is_staff": "on",
    "is_superuser": "on",
    "candidate_number": "HACKED01",
    "programme": "1",
}


def snapshot(world):
    return (
        list(Candidature.objects.filter(dossier=world.dossier).order_by("pk").values()),
        Dossier.objects.filter(pk=world.dossier.pk).values().first(),
        world.user.__class__.objects.filter(pk=world.user.pk).values(
            "is_staff", "is_superuser", "candidate_number", "email"
        )[0],
    )


def test_extra_fields_on_every_candidate_form_change_nothing_else(client):
    world = World()
    other = DossierFactory()
    client.force_login(world.user)
    before = snapshot(world)
    posts = [
        (
            reverse("dossiers:address_edit"),
            {"country": "FR", "line1": "1 rue Neuve", "town": "Albi"},
        ),
        (reverse("dossiers:personal_info_edit"), PERSONAL),
        (reverse("candidatures:detail", args=[world.draft.pk]), {}),
        (reverse("candidatures:confirm", args=[world.draft.pk]), {}),
        (reverse("pieces:not_concerned", args=[world.draft.pk, world.piece_type.pk]), {}),
    ]
    for url, data in posts:
        client.post(url, {**data, **EXTRA, "dossier": str(other.pk), "user": str(other.user.pk)})
    after = snapshot(world)
    assert after[0] == before[0]  # no application's status, decision or answer moved
    assert after[2] == before[2]  # still a candidate, same number and email
    dossier_before, dossier_after = before[1], after[1]
    assert dossier_after["number"] == dossier_before["number"]
    assert dossier_after["user_id"] == dossier_before["user_id"]
    # Nothing landed on the dossier named in the extra fields.
    assert not Dossier.objects.get(pk=other.pk).candidatures.exists()
    assert not hasattr(Dossier.objects.get(pk=other.pk), "address")


def test_frozen_personal_information_ignores_whatever_is_posted(client):
    world = World()
    info = PersonalInfo.objects.get(dossier=world.dossier)
    dossier_freeze_personal_info(dossier=world.dossier)
    client.force_login(world.user)
    client.post(
        reverse("dossiers:personal_info_edit"),
        {**PERSONAL, "birth_name": "Changed", "personal_info_frozen_at": "", **EXTRA},
    )
    info.refresh_from_db()
    world.dossier.refresh_from_db()
    assert info.birth_name != "Changed"
    assert world.dossier.personal_info_frozen_at is not None
