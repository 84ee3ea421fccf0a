"""The documents' scheduled jobs (see ``jobs.registry``): the orphan-file sweep and the rescan
of files left « being checked » while the antivirus was down."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.registry import JobReport, scheduled_job

from . import antivirus
from .integrity import check_storage
from .models import PIECES_PREFIX, Piece, PieceStatus
from .services import piece_settle_scan

# Files younger than this are spared: their row may not be committed yet.
ORPHAN_MIN_AGE = timedelta(hours=1)


def stored_names(prefix: str):
    """Every file name under ``prefix``, recursively, as the FileField stores them."""
    directories, files = default_storage.listdir(prefix)
    for name in files:
        yield f"{prefix}/{name}"
    for directory in directories:
        yield from stored_names(f"{prefix}/{directory}")


@scheduled_job(
    "pieces.sweep_orphan_files",
    label=_("Delete stored files that no document names"),
    crontab="37 3 * * *",
)
def sweep_orphan_files(*, dry_run: bool, limit: int | None) -> JobReport:
    """Files under the pieces prefix that no row names and older than an hour: what a crashed
    request or a rolled-back transaction may leave behind. Deleting twice is harmless."""
    try:
        names = list(stored_names(PIECES_PREFIX))
    except FileNotFoundError:  # nothing was ever stored (local folder not created yet)
        names = []
    referenced = set(Piece.objects.exclude(file="").values_list("file", flat=True))
    cutoff = timezone.now() - ORPHAN_MIN_AGE
    orphans = [
        name
        for name in names
        if name not in referenced and default_storage.get_modified_time(name) < cutoff
    ]
    if limit is not None:
        orphans = orphans[:limit]
    report = JobReport()
    deleted = 0
    for name in orphans:
        report.lines.append(("would delete " if dry_run else "deleting ") + name)
        if not dry_run:
            try:
                default_storage.delete(name)
            except OSError as error:
                report.error(f"{name}: {error}")
                continue
            deleted += 1
    report.add("found", len(orphans))
    report.add("deleted", deleted)
    report.summary = f"{len(orphans)} orphan file(s) found, {deleted} deleted"
    return report


@scheduled_job(
    "pieces.rescan_pending",
    label=_("Scan again the documents the antivirus could not check"),
    crontab="*/10 * * * *",
)
def rescan_pending(*, dry_run: bool, limit: int | None) -> JobReport:
    """Each piece is scanned outside any lock (a scan may take the antivirus's timeout), then
    its verdict is applied under the lock if the piece still holds that file: two runs at
    once may scan a file twice, but its status changes once."""
    report = JobReport()
    pending = Piece.objects.filter(status=PieceStatus.PENDING_SCAN).exclude(file="")
    rows = list(pending.order_by("pk").values_list("pk", "file")[:limit])
    report.add("pending", len(rows))
    if dry_run or not rows:
        return report
    if antivirus.enabled() and not antivirus.ping():
        report.summary = f"{len(rows)} document(s) waiting, the antivirus does not answer"
        return report
    for pk, name in rows:
        try:
            with default_storage.open(name, "rb") as stored:
                data = stored.read()
        except OSError as error:
            report.error(f"piece {pk}: {name} cannot be read: {error}")
            continue
        outcome = piece_settle_scan(piece_id=pk, name=name, scan=antivirus.scan(data))
        report.add(outcome)
    return report


@scheduled_job(
    "pieces.check_storage",
    label=_("Check that every document has its stored file"),
    crontab="30 3 * * *",
)
def check_storage_job(*, dry_run: bool, limit: int | None) -> JobReport:
    """Read-only (``--dry-run`` and ``--limit`` change nothing): a missing file or a size
    mismatch is an error of the run, so « done with errors » shows in the run log."""
    integrity = check_storage()
    report = JobReport(summary=integrity.summary())
    for name in integrity.missing:
        report.error(f"missing: {name}")
    for line in integrity.size_mismatches:
        report.error(f"size mismatch: {line}")
    report.add("referenced", integrity.rows)
    report.add("orphans", len(integrity.orphans))
    return report
