"""Documents services and the submission check, called directly: the workflow refuses an
incomplete application, a failed transaction leaves no file, antivirus verdicts."""

import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction

from candidatures.models import Status
from candidatures.workflow import DossierIncomplete, candidature_resubmit, candidature_submit
from pieces import services
from pieces.antivirus import ScanResult, ScanStatus
from pieces.files import check_upload
from pieces.models import Piece, PieceStatus
from pieces.selectors import missing_for_submission
from tests.factories import PieceFactory, PieceTypeFactory

from . import corpus
from .helpers import application

pytestmark = pytest.mark.django_db
CLEAN = ScanResult(ScanStatus.DISABLED)


def store(candidature, piece_type, scan=CLEAN):
    return services.piece_store(
        candidature=candidature,
        piece_type=piece_type,
        clean=check_upload(corpus.pdf(), name="doc.pdf"),
        scan=scan,
        actor=candidature.dossier.user,
    )


def test_workflow_refuses_to_submit_until_pieces_and_sections_are_in(media):
    mandatory = PieceTypeFactory(label_en="CV")
    conditional = PieceTypeFactory(label_en="Situation", conditional=True)
    candidature = application(None, mandatory, conditional)
    candidature.programme.optional_sections = []
    candidature.programme.save()
    dossier = candidature.dossier
    dossier.has_no_experiences = False
    dossier.save()
    user = dossier.user
    with pytest.raises(DossierIncomplete) as refused:
        candidature_submit(candidature=candidature, actor=user)
    assert refused.value.missing == ["CV", "Situation", "Professional experience"]

    store(candidature, mandatory)
    services.piece_not_concerned(candidature=candidature, piece_type=conditional, actor=user)
    assert missing_for_submission(candidature) == ["Professional experience"]
    dossier.has_no_experiences = True
    dossier.save()
    candidature_submit(candidature=candidature, actor=user)
    candidature.refresh_from_db()
    assert candidature.status == Status.RECEIVED


@pytest.mark.parametrize("status", ["pending_scan", "refused", "missing"])
def test_pending_scan_refused_and_missing_pieces_do_not_count(media, status):
    piece_type = PieceTypeFactory(conditional=True)
    candidature = application(None, piece_type)
    PieceFactory(candidature=candidature, piece_type=piece_type, status=status)
    assert missing_for_submission(candidature) == [piece_type.label]


def test_resubmit_needs_the_refused_piece_replaced(media):
    piece_type = PieceTypeFactory()
    candidature = application(None, piece_type, incomplete=True)
    PieceFactory(candidature=candidature, piece_type=piece_type, status="refused")
    with pytest.raises(DossierIncomplete):
        candidature_resubmit(candidature=candidature, actor=candidature.dossier.user)
    store(candidature, piece_type)
    candidature_resubmit(candidature=candidature, actor=candidature.dossier.user)
    candidature.refresh_from_db()
    assert candidature.status == Status.RECEIVED


def test_pending_scan_is_stored_but_not_counted_and_a_virus_is_not_stored(media):
    piece_type = PieceTypeFactory()
    candidature = application(None, piece_type)
    piece = store(candidature, piece_type, ScanResult(ScanStatus.PENDING, detail="timeout"))
    assert piece.status == PieceStatus.PENDING_SCAN and missing_for_submission(candidature)
    with pytest.raises(services.VirusFound):
        store(candidature, piece_type, ScanResult(ScanStatus.INFECTED, signature="Eicar"))
    assert media() == [piece.file.name.removeprefix("pieces/")]


def test_a_rolled_back_upload_leaves_no_file(media, monkeypatch):
    piece_type = PieceTypeFactory()
    candidature = application(None, piece_type)

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Piece, "save", broken_save)
    with pytest.raises(RuntimeError):
        store(candidature, piece_type)
    assert media() == [] and not Piece.objects.exists()


def test_a_refused_change_leaves_no_file(media):
    piece_type = PieceTypeFactory()
    candidature = application(None, piece_type, received=True)
    with pytest.raises(services.PieceLocked):
        store(candidature, piece_type)
    assert media() == []


def test_replaced_file_is_deleted_only_after_commit(media, django_capture_on_commit_callbacks):
    piece_type = PieceTypeFactory()
    candidature = application(None, piece_type)
    with django_capture_on_commit_callbacks(execute=True):
        first = store(candidature, piece_type).file.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second = store(candidature, piece_type).file.name
    assert len(media()) == 2  # not committed yet: the old file is still there
    for callback in callbacks:
        callback()
    assert media() == [second.removeprefix("pieces/")] and first != second


def _age(name, hours):
    path = default_storage.path(name)
    past = time.time() - hours * 3600
    os.utime(path, (past, past))


def test_sweep_orphan_files(media, capsys):
    piece = PieceFactory(candidature=application(), status="uploaded")
    old_orphan = default_storage.save("pieces/old-orphan.pdf", ContentFile(b"x"))
    young_orphan = default_storage.save("pieces/young-orphan.pdf", ContentFile(b"x"))
    other = default_storage.save("piece-forms/form.pdf", ContentFile(b"x"))
    _age(old_orphan, 2)
    _age(piece.file.name, 2)

    call_command("sweep_orphan_files", "--dry-run")
    assert "1 orphan file(s) found, 0 deleted" in capsys.readouterr().out
    assert default_storage.exists(old_orphan)

    call_command("sweep_orphan_files")
    assert "1 orphan file(s) found, 1 deleted" in capsys.readouterr().out
    assert not default_storage.exists(old_orphan)
    assert default_storage.exists(young_orphan)  # may be a row about to be committed
    assert default_storage.exists(piece.file.name) and default_storage.exists(other)


def test_sweep_with_nothing_stored(media, capsys):
    call_command("sweep_orphan_files")
    assert "0 orphan file(s) found" in capsys.readouterr().out


def test_shared_piece_copy_then_delete_in_one_transaction_keeps_what_is_named(media):
    """Deleting a stored file checks rows after the commit: a file another row still names
    stays (shared pieces)."""
    piece = PieceFactory(candidature=application())
    twin = PieceFactory(candidature=application(), file=piece.file.name)
    with transaction.atomic():
        services.delete_unreferenced([piece.file.name])
    assert default_storage.exists(twin.file.name)
    twin.delete()
    piece.delete()
    services.delete_unreferenced([piece.file.name])
    assert not default_storage.exists(piece.file.name)


def test_demo_asks_for_pieces_and_is_idempotent(media):
    from candidatures import demo as candidatures_demo
    from pieces import demo
    from pieces.models import RequiredPiece

    candidatures_demo.populate()
    demo.populate()
    demo.populate()
    fc = RequiredPiece.objects.filter(programme__code="FC-DIPL")
    assert sorted(r.piece_type.label_fr for r in fc) == [
        "Curriculum vitae",
        "Justificatif de situation",
        "Lettre de motivation",
        "Pièce d'identité",
    ]
    assert RequiredPiece.objects.filter(programme__code="PSY-M1").count() == 3
    letter = fc.get(piece_type__label_fr="Lettre de motivation").piece_type
    with letter.blank_form.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
