"""What the logs say: sign-ins (success and failure) and staff opening a candidate's document
are logged, with who and from where; no password, INE or document content ever is."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.dossiers.test_sections import PERSONAL
from tests.factories import DEFAULT_PASSWORD, UserFactory, centre_staff
from tests.pieces import corpus

from .routes import World

pytestmark = pytest.mark.django_db

INE = "0312345678X"
DOCUMENT_TEXT = "Releve confidentiel 4242"


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.DEBUG)

    def text():
        # factory_boy's own debug lines (the tests' set-up) are not the application's logs.
        records = [r for r in caplog.records if not r.name.startswith("factory")]
        return "\n".join(record.getMessage() for record in records)

    return text


def test_sign_ins_are_logged_with_the_account_and_address(client, logs):
    user = UserFactory()
    client.post(reverse("account_login"), {"login": user.email, "password": "wrong-password-1"})
    client.post(
        reverse("account_login"), {"login": "nobody@example.org", "password": "wrong-password-2"}
    )
    client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    text = logs()
    assert f"sign-in failed: account {user.candidate_number} from 127.0.0.1" in text
    assert "sign-in failed: unknown login from 127.0.0.1" in text
    assert f"signed in: account {user.candidate_number} from 127.0.0.1" in text


def test_staff_opening_a_document_is_logged(client, logs):
    world = World()
    staff = centre_staff(*world.centres)
    client.force_login(staff)
    client.get(reverse("pieces:download", args=[world.piece.pk]))
    assert (
        f"piece {world.piece.pk} of {world.user.candidate_number} opened by staff {staff.pk}"
        in logs()
    )


def test_no_password_ine_or_document_content_reaches_the_logs(client, logs):
    """A whole session's worth of logging, scanned: sign-in failures and success, the personal
    information with an INE, a document sent, downloaded by its owner and by staff."""
    world = World()
    owner = world.user
    secret_password = "typed-by-mistake-Zq9!"
    client.post(reverse("account_login"), {"login": owner.email, "password": secret_password})
    client.post(reverse("account_login"), {"login": secret_password, "password": secret_password})
    client.post(reverse("account_login"), {"login": owner.email, "password": DEFAULT_PASSWORD})
    client.post(reverse("dossiers:personal_info_edit"), {**PERSONAL, "ine": INE})
    pdf = corpus.pdf(text=DOCUMENT_TEXT)
    client.post(
        reverse("pieces:upload", args=[world.draft.pk, world.piece_type.pk]),
        {"files": [SimpleUploadedFile("releve.pdf", pdf, content_type="application/pdf")]},
    )
    world.piece.refresh_from_db()
    client.get(reverse("pieces:download", args=[world.piece.pk]))
    client.force_login(centre_staff(*world.centres))
    client.get(reverse("pieces:download", args=[world.piece.pk]))

    text = logs()
    assert "signed in" in text and "opened by staff" in text  # the scan looked at real logs
    for secret in (secret_password, DEFAULT_PASSWORD, INE, DOCUMENT_TEXT, "the candidate's"):
        assert secret not in text, secret
