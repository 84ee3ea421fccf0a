"""Staff edit the catalogue and what programmes ask for in the admin; candidates' pieces are
read there with a link to the protected download, never a storage URL."""

import pytest
from django.urls import reverse

from pieces.models import PieceType, RequiredPiece
from tests.factories import PieceFactory, ProgrammeFactory, UserFactory

from .helpers import application

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(staff=True))
    return client


def test_staff_add_a_piece_type_asked_by_a_programme(staff_client):
    programme = ProgrammeFactory()
    response = staff_client.post(
        reverse("admin:pieces_piecetype_add"),
        {
            "label_fr": "Relevé de notes",
            "label_en": "Transcript",
            "order": 3,
            "conditional": "on",
            "requirements-TOTAL_FORMS": 1,
            "requirements-INITIAL_FORMS": 0,
            "requirements-0-programme": programme.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    piece_type = PieceType.objects.get()
    assert piece_type.label_en == "Transcript" and piece_type.conditional
    assert RequiredPiece.objects.get().programme == programme


def test_a_requirement_needs_a_programme_or_a_centre_not_both(staff_client):
    programme = ProgrammeFactory()
    piece_type = PieceType.objects.create(label_fr="CV", label_en="CV")
    response = staff_client.post(
        reverse("admin:pieces_requiredpiece_add"),
        {"piece_type": piece_type.pk, "programme": programme.pk, "centre": programme.centre_id},
    )
    assert "Choisissez une formation ou un centre de candidature, pas les deux." in (
        response.content.decode()
    )
    assert not RequiredPiece.objects.exists()


def test_pieces_list_links_to_the_protected_download(staff_client, media):
    piece = PieceFactory(candidature=application(), original_name="cv.pdf")
    page = staff_client.get(reverse("admin:pieces_piece_changelist")).content.decode()
    assert reverse("pieces:download", args=[piece.pk]) in page
    assert "/media/" not in page
    change = staff_client.get(reverse("admin:pieces_piece_change", args=[piece.pk]))
    assert change.status_code == 200
