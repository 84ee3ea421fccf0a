"""Creates the demo data of every app (idempotent) and prints the demo logins.

Each app that has demo objects exposes ``<app>.demo.populate()`` returning lines to print;
they run in dependency order."""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_MODULES = [
    "accounts.demo",
    "dossiers.demo",
    "candidatures.demo",
    "pieces.demo",
    "pieces.demo_backoffice",
    "ent.demo",
    "commissions.demo",
]


class Command(BaseCommand):
    help = "Create demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        lines = []
        with transaction.atomic():
            for module in DEMO_MODULES:
                lines += import_module(module).populate()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins:"))
        for line in lines:
            self.stdout.write(f"  {line}")
        self.stdout.write("Mails (activation links...) are printed here and kept under var/mail/.")
