"""check_storage: every row's file is there with its recorded size, orphans are counted, and
the command fails (exit 1) when a file is missing or differs; the nightly job's run log says the same."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from tests.factories import PieceFactory, PieceTypeFactory

pytestmark = pytest.mark.django_db


def run(capsys, *args):
    try:
        call_command("check_storage", *args)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out + err


def test_clean_with_pieces_forms_and_a_shared_file(media, capsys):
    piece = PieceFactory()
    PieceFactory(file=piece.file.name, size=piece.size)  # a shared piece names the same file
    PieceTypeFactory(blank_form=ContentFile(b"form", name="formulaire.pdf"))
    PieceFactory(file="", status="missing", size=0)
    code, out = run(capsys)
    assert code == 0
    assert out.strip() == (
        "storage clean: 2 file(s) referenced, 2 object(s) stored, 0 missing, "
        "0 size mismatch(es), 0 orphan(s)"
    )


def test_missing_file_and_size_mismatch_fail_with_their_names(media, capsys):
    gone, changed = PieceFactory(), PieceFactory()
    default_storage.delete(gone.file.name)
    default_storage.delete(changed.file.name)
    default_storage.save(changed.file.name, ContentFile(b"%PDF-1.4 other length"))
    code, out = run(capsys)
    assert code == 1
    assert f"missing: {gone.file.name}" in out
    assert f"size mismatch: {changed.file.name} (13 recorded, 21 stored)" in out
    assert "storage PROBLEMS: 2 file(s) referenced, 1 object(s) stored, 1 missing, 1 size" in out


def test_orphans_are_counted_not_fatal_and_listed_on_request(media, capsys):
    PieceFactory()
    orphan = default_storage.save("pieces/left-by-a-crash.pdf", ContentFile(b"x"))
    code, out = run(capsys)
    assert (code, out.strip().endswith("1 orphan(s)")) == (0, True)
    code, out = run(capsys, "--list")
    assert f"orphan: {orphan}" in out


def test_scheduled_nightly_with_problems_in_the_run_log(media, django_capture_on_commit_callbacks):
    from django_celery_beat.models import PeriodicTask

    from jobs.runner import job_run

    task = PeriodicTask.objects.get(name="pieces.check_storage")
    assert (task.crontab.hour, task.crontab.minute) == ("3", "30")
    piece = PieceFactory()
    default_storage.delete(piece.file.name)
    run = job_run(name="pieces.check_storage")
    assert run.status == "partial"
    assert run.errors == f"missing: {piece.file.name}"
    assert run.summary.startswith("storage PROBLEMS")
