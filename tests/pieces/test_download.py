"""Who may download a candidate's file: the owner, staff, commission members; 404 otherwise."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.factories import PieceFactory, PieceTypeFactory, UserFactory

from .helpers import application

pytestmark = pytest.mark.django_db


@pytest.fixture
def piece(media):
    return PieceFactory(
        candidature=application(), original_name="Relevé de notes.pdf", file__data=b"%PDF-1.4 x"
    )


def url(piece):
    return reverse("pieces:download", args=[piece.pk])


def assert_attachment(response):
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 x"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Relev" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


def test_owner_downloads_as_an_attachment(client, piece):
    client.force_login(piece.candidature.dossier.user)
    assert_attachment(client.get(url(piece)))


def test_another_candidate_gets_404(client, piece):
    client.force_login(UserFactory())
    assert client.get(url(piece)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, piece):
    response = client.get(url(piece))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_downloads(client, piece):
    client.force_login(UserFactory(is_staff=True))
    assert_attachment(client.get(url(piece)))


def test_commission_member_downloads_but_not_a_file_still_being_scanned(client, piece):
    member = UserFactory()
    member.user_permissions.add(Permission.objects.get(codename="decide_candidature"))
    client.force_login(member)
    assert_attachment(client.get(url(piece)))
    piece.status = "pending_scan"
    piece.save()
    assert client.get(url(piece)).status_code == 404


def test_unknown_piece_is_404(client, piece):
    client.force_login(piece.candidature.dossier.user)
    assert client.get(reverse("pieces:download", args=[piece.pk + 1000])).status_code == 404


def test_blank_form_is_downloadable_when_signed_in(client, media):
    piece_type = PieceTypeFactory(
        label_fr="Lettre de motivation", blank_form=ContentFile(b"%PDF-1.4 form", name="f.pdf")
    )
    client.force_login(UserFactory())
    response = client.get(reverse("pieces:blank_form", args=[piece_type.pk]))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 form"
    assert "Lettre de motivation.pdf" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    no_form = PieceTypeFactory()
    assert client.get(reverse("pieces:blank_form", args=[no_form.pk])).status_code == 404
