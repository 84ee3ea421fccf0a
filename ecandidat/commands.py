"""Base of operators' management commands: the same --dry-run and --limit everywhere, logging,
and one summary line at the end (what cron mail and CI logs show)."""

import logging

from django.core.management.base import BaseCommand


class OperatorCommand(BaseCommand):
    """Subclasses implement ``run(*, dry_run, limit, **options) -> str`` returning the summary."""

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report, change nothing.")
        parser.add_argument("--limit", type=int, default=None, help="Handle at most N items.")

    def handle(self, *args, dry_run=False, limit=None, **options):
        logger = logging.getLogger(self.__module__)
        summary = self.run(dry_run=dry_run, limit=limit, **options)
        logger.info("%s", summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def run(self, *, dry_run: bool, limit: int | None, **options) -> str:
        raise NotImplementedError
