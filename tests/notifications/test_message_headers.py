import email
from email import policy

import pytest

from notifications.models import Outbox
from notifications.services import build_message

pytestmark = pytest.mark.django_db

LONG = "[ecandidat] Création de votre compte eCandidat : activez-le avant quarante-huit heures"


@pytest.mark.parametrize(
    "subject", [LONG, "[ecandidat] Avis sur votre candidature", "Pièce refusée"]
)
def test_a_subject_reads_back_exactly_as_written(subject):
    """A long non-ASCII subject was folded with an empty first line: read back with a leading
    space by Python's parser and by the mail clients that unfold it literally."""
    row = Outbox.objects.create(
        event="test", to_address="candidate@example.org", subject=subject, body_text="x"
    )
    raw = build_message(row).message().as_bytes()
    assert email.message_from_bytes(raw, policy=policy.default)["Subject"] == subject
    assert b"Subject: \n" not in raw and b"Subject: \r\n" not in raw
