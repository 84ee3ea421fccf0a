"""Deletes the accounts not activated within 48 hours (the hourly beat task does the same)."""

from accounts.services import accounts_purge_unactivated
from ecandidat.commands import OperatorCommand


class Command(OperatorCommand):
    help = "Delete accounts not activated within 48 hours, with their dossier."

    def run(self, *, dry_run, limit, **options):
        report = accounts_purge_unactivated(dry_run=dry_run, limit=limit)
        for line in report.deleted:
            self.stdout.write(f"  {line}")
        return str(report)
