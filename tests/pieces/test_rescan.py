"""The rescan of documents left « being checked » while the antivirus was down, against the
protocol-level clamd of test_antivirus: clean ones become sent, an infected one is removed,
and nothing changes while clamd still does not answer."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from audit.models import AuditEntry
from jobs.models import JobRun
from pieces.models import Piece
from tests.factories import PieceFactory

from .helpers import application
from .test_antivirus import MARKER, clamd_tcp  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def pending(data: bytes) -> Piece:
    piece = PieceFactory(candidature=application(), status="pending_scan")
    piece.file.save("scan.pdf", ContentFile(data))
    return piece


def rescan(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rescan_pending_pieces")
    return JobRun.objects.order_by("-pk").first()


@pytest.mark.usefixtures("clamd_tcp")
def test_clean_becomes_sent_and_infected_is_removed(media, django_capture_on_commit_callbacks):
    clean = pending(b"%PDF-1.4 clean")
    infected = pending(b"%PDF-1.4 " + MARKER)
    infected_name = infected.file.name
    already = PieceFactory(candidature=application(), status="uploaded")

    run = rescan(django_capture_on_commit_callbacks)
    assert run.counts == {"pending": 2, "sent": 1, "removed": 1}
    clean.refresh_from_db()
    infected.refresh_from_db()
    assert clean.status == "uploaded"
    assert (infected.status, infected.file.name) == ("missing", "")
    assert not default_storage.exists(infected_name)
    already.refresh_from_db()
    assert already.status == "uploaded"
    entries = AuditEntry.objects.filter(action="piece.rescan").order_by("object_id")
    assert [(e.actor_label, e.after["status"]) for e in entries] == [
        ("system", "uploaded"),
        ("system", "missing"),
    ]
    assert entries[1].comment == "Test.Marker-1"
    assert rescan(django_capture_on_commit_callbacks).counts == {"pending": 0}


def test_while_clamd_is_down_nothing_changes(media, settings, django_capture_on_commit_callbacks):
    settings.PIECES_CLAMD_HOST, settings.PIECES_CLAMD_PORT = "127.0.0.1", 2549  # nothing there
    settings.PIECES_CLAMD_TIMEOUT = 0.5
    piece = pending(b"%PDF-1.4 clean")
    run = rescan(django_capture_on_commit_callbacks)
    assert run.summary == "1 document(s) waiting, the antivirus does not answer"
    piece.refresh_from_db()
    assert piece.status == "pending_scan"


def test_a_file_replaced_during_the_scan_is_left_to_the_new_upload(media):
    from pieces.antivirus import ScanResult, ScanStatus
    from pieces.services import piece_settle_scan

    piece = pending(b"%PDF-1.4 first")
    scanned = piece.file.name
    piece.file.save("second.pdf", ContentFile(b"%PDF-1.4 second"))
    outcome = piece_settle_scan(piece_id=piece.pk, name=scanned, scan=ScanResult(ScanStatus.CLEAN))
    assert outcome == "skipped"
    piece.refresh_from_db()
    assert piece.status == "pending_scan"
