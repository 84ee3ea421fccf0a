"""Queues the outbox rows that are due, as the beat does every minute. In embedded mode (no
beat, eager tasks) this sends them in-process: the operator's way to push a stuck mail out."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications.services import due_rows, outbox_sweep


class Command(BaseCommand):
    help = "Queue (or, in embedded mode, send) the outgoing mails that are due."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count them")
        parser.add_argument("--limit", type=int, default=20_000, help="at most this many rows")

    def handle(self, *args, dry_run=False, limit=20_000, **options):
        if dry_run:
            due = due_rows(now=timezone.now()).count()
            self.stdout.write(f"{due} mail(s) due, none queued (dry run)")
            return
        batch = max(1, min(limit, 1000))
        queued = outbox_sweep(batch=batch, max_batches=-(-limit // batch))
        self.stdout.write(f"{queued} mail(s) queued")
