"""Deletes the accounts not activated within 48 hours (the hourly schedule does the same)."""

from jobs.commands import JobCommand


class Command(JobCommand):
    help = "Delete accounts not activated within 48 hours, with their dossier."
    job = "accounts.purge_unactivated"
