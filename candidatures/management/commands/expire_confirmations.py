"""Withdraws the favourable applications whose confirmation deadline has passed."""

from candidatures.jobs import expire_overdue_confirmations
from ecandidat.commands import OperatorCommand


class Command(OperatorCommand):
    help = "Withdraw the favourable applications whose confirmation deadline has passed."

    def run(self, *, dry_run, limit, **options):
        return expire_overdue_confirmations(dry_run=dry_run, limit=limit)
