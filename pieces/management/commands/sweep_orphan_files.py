"""Deletes stored files under the pieces prefix that no row names and that are older than an
hour: what a crashed request or a rolled-back transaction may leave behind. The hour spares a
file being stored right now, whose row is not committed yet."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from ecandidat.commands import OperatorCommand
from pieces.models import PIECES_PREFIX, Piece

MIN_AGE = timedelta(hours=1)


def stored_names(prefix: str):
    """Every file name under ``prefix``, recursively, as the FileField stores them."""
    directories, files = default_storage.listdir(prefix)
    for name in files:
        yield f"{prefix}/{name}"
    for directory in directories:
        yield from stored_names(f"{prefix}/{directory}")


class Command(OperatorCommand):
    help = "Delete stored piece files that no row references (older than one hour)."

    def run(self, *, dry_run: bool, limit: int | None, **options) -> str:
        try:
            names = list(stored_names(PIECES_PREFIX))
        except FileNotFoundError:  # nothing was ever stored (local folder not created yet)
            names = []
        referenced = set(Piece.objects.exclude(file="").values_list("file", flat=True))
        cutoff = timezone.now() - MIN_AGE
        orphans = [
            name
            for name in names
            if name not in referenced and default_storage.get_modified_time(name) < cutoff
        ]
        if limit is not None:
            orphans = orphans[:limit]
        deleted = 0
        for name in orphans:
            self.stdout.write(("would delete " if dry_run else "deleting ") + name)
            if not dry_run:
                default_storage.delete(name)
                deleted += 1
        return f"{len(orphans)} orphan file(s) found, {deleted} deleted"
