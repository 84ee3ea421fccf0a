"""Loads French communes and postal codes from La Poste's official CSV (see dossiers.communes)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dossiers.communes import decode, parse_communes, upsert_communes
from dossiers.models import Commune

MAX_REPORTED_LINES = 50


class Command(BaseCommand):
    help = "Import or update communes from the official postal codes CSV (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the CSV file")
        parser.add_argument("--dry-run", action="store_true", help="count, write nothing")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from error
        try:
            parsed = parse_communes(decode(raw))
        except ValueError as error:
            raise CommandError(f"{path}: {error}") from error
        for number, reason in parsed.bad_lines[:MAX_REPORTED_LINES]:
            self.stderr.write(f"line {number}: {reason} (skipped)")
        if len(parsed.bad_lines) > MAX_REPORTED_LINES:
            self.stderr.write(f"... and {len(parsed.bad_lines) - MAX_REPORTED_LINES} more")
        with transaction.atomic():
            report = upsert_communes(Commune, parsed.rows, dry_run=dry_run)
        prefix = "dry run: " if dry_run else ""
        self.stdout.write(
            f"{prefix}communes: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(parsed.bad_lines)} bad line(s)"
        )
