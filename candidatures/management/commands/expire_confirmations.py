"""Deadline job: favourable decisions left unanswered past the confirmation deadline count as
withdrawals (the guide says so). Each one goes through the workflow's ``expire`` transition,
so a candidate confirming at the same moment is either in time or refused, never both."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from candidatures.selectors import overdue_for_expiry
from candidatures.workflow import WorkflowError, candidature_expire


class Command(BaseCommand):
    help = "Withdraw the favourable applications whose confirmation deadline has passed."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List, change nothing.")
        parser.add_argument("--limit", type=int, default=None, help="At most this many.")

    def handle(self, *args, dry_run=False, limit=None, **options):
        overdue = overdue_for_expiry(now=timezone.now())[:limit]
        expired = skipped = 0
        for candidature in overdue:
            if dry_run:
                self.stdout.write(f"would expire: {candidature.pk} {candidature}")
                continue
            try:
                candidature_expire(candidature=candidature)
                expired += 1
            except WorkflowError:  # answered or changed meanwhile
                skipped += 1
        verb = "to expire" if dry_run else "expired"
        count = len(overdue) if dry_run else expired
        self.stdout.write(f"{count} application(s) {verb}, {skipped} skipped.")
