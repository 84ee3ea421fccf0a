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


@pytest.mark.parametrize("subject", [LONG, "[ecandidat] Avis sur votre candidature", "Pièce"])
def test_the_subject_is_encoded_once_and_the_message_is_unchanged(subject, monkeypatch):
    """Django is not shown a non-ASCII subject any more (its encoding was thrown away): the
    message must come out byte for byte as it did when Django encoded it first."""
    from email.header import Header
    from email.message import Message

    from django.core.mail import EmailMultiAlternatives
    from django.core.mail import message as django_message

    from notifications import message as module

    calls = []
    for where in (module, django_message):
        monkeypatch.setattr(where, "Header", lambda *a, **k: calls.append(a[0]) or Header(*a, **k))

    def the_old_way(self):
        msg = EmailMultiAlternatives.message(self)
        if not self.subject.isascii():
            del msg["Subject"]
            header = Header(self.subject, "utf-8", header_name="Subject")
            Message.__setitem__(msg, "Subject", header.encode())
        return msg

    row = Outbox.objects.create(
        event="test",
        to_address="candidate@example.org",
        subject=subject,
        body_text="x",
        body_html="<p>x</p>",
        message_id="<1@ecandidat>",
    )
    message = build_message(row)
    message.extra_headers["Date"] = "Tue, 01 Dec 2026 22:00:00 -0000"
    new = message.message().as_bytes()
    encoded = calls.count(subject)
    old = the_old_way(message)
    old.set_boundary(email.message_from_bytes(new).get_boundary())
    assert b"Subject: " in new and new == old.as_bytes()
    assert encoded == 1  # an ASCII one by Django, as before


def test_a_subject_with_a_newline_is_still_refused():
    from django.core.mail import BadHeaderError

    row = Outbox.objects.create(
        event="test", to_address="candidate@example.org", subject="Pièce\nBcc: x@example.org"
    )
    with pytest.raises(BadHeaderError):
        build_message(row).message()
