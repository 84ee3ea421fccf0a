"""Reports whether the rows and the stored files agree (``pieces.integrity``); exits 1 when
a file is missing or its size differs, so cron mail and CI notice. Read-only, hence none of
``OperatorCommand``'s --dry-run and --limit."""

from django.core.management.base import BaseCommand

from pieces.integrity import check_storage


class Command(BaseCommand):
    help = "Check that every document row has its stored file (and count orphan files)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--list", action="store_true", dest="names", help="Name each file concerned."
        )

    def handle(self, *args, names=False, **options):
        report = check_storage()
        if names or not report.clean:
            for name in report.missing:
                self.stdout.write(f"missing: {name}")
            for line in report.size_mismatches:
                self.stdout.write(f"size mismatch: {line}")
        if names:
            for name in report.orphans:
                self.stdout.write(f"orphan: {name}")
        if not report.clean:
            self.stderr.write(self.style.ERROR(report.summary()))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(report.summary()))
