"""Creates the documents' bucket when missing and refuses to go on if anybody can read it
(``ecandidat.storage.ensure_storage``). Idempotent: the compose file's one-shot ``migrate``
service runs it at every deployment, before the web starts."""

from django.core.management.base import BaseCommand, CommandError

from ecandidat.storage import StorageNotPrivate, ensure_storage
from pieces.models import PIECES_PREFIX


class Command(BaseCommand):
    help = "Create the file storage (bucket) if missing; fail if it is publicly readable."

    def handle(self, *args, **options):
        try:
            report = ensure_storage(probe_prefix=PIECES_PREFIX)
        except StorageNotPrivate as error:
            raise CommandError(f"refused: {error}. Make it private, then run this again.") from None
        self.stdout.write(self.style.SUCCESS(report.summary()))
