"""Deletes the accounts not activated within 48 hours (the hourly beat task does the same)."""

from django.core.management.base import BaseCommand

from accounts.services import accounts_purge_unactivated


class Command(BaseCommand):
    help = "Delete accounts not activated within 48 hours, with their dossier."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List, delete nothing.")
        parser.add_argument("--limit", type=int, default=None, help="At most this many.")

    def handle(self, *args, dry_run=False, limit=None, **options):
        report = accounts_purge_unactivated(dry_run=dry_run, limit=limit)
        for line in report.deleted:
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(str(report)))
