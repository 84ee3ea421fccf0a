"""Who may download a candidate's file here: the owner and the staff of the application's
centre (with their TOTP when it is required); 404 for everybody else, commission members
included (they read pieces through the reviewer pages)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.factories import (
    CentreFactory,
    PieceFactory,
    PieceTypeFactory,
    UserFactory,
    central_admin,
    centre_staff,
    reviewer_of,
)

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


def test_staff_of_the_centre_downloads_but_not_a_file_still_being_scanned(client, piece):
    client.force_login(centre_staff(piece.candidature.programme.centre))
    assert_attachment(client.get(url(piece)))
    piece.status = "pending_scan"
    piece.save()
    assert client.get(url(piece)).status_code == 404


def test_central_administration_downloads(client, piece):
    client.force_login(central_admin())
    assert_attachment(client.get(url(piece)))


def test_staff_of_another_centre_gets_404(client, piece):
    client.force_login(centre_staff(CentreFactory()))
    assert client.get(url(piece)).status_code == 404
    client.force_login(UserFactory(is_staff=True, is_superuser=False))  # no centre at all
    assert client.get(url(piece)).status_code == 404


def test_staff_without_totp_gets_404_when_it_is_required(client, piece, settings):
    settings.STAFF_MFA_REQUIRED = True
    client.force_login(centre_staff(piece.candidature.programme.centre, totp=False))
    assert client.get(url(piece)).status_code == 404
    client.force_login(central_admin(totp=False))
    assert client.get(url(piece)).status_code == 404
    client.force_login(centre_staff(piece.candidature.programme.centre))
    assert_attachment(client.get(url(piece)))


def test_commission_member_gets_404_here(client, piece):
    """Reviewers read documents through the reviewer pages' own door, not this one."""
    piece.candidature.status = "complete"
    piece.candidature.save()
    client.force_login(reviewer_of(piece.candidature.programme))
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
