"""Destroy the applications, files and left-over accounts of campaigns archived longer than RETENTION_DAYS."""

from jobs.commands import JobCommand


class Command(JobCommand):
    help = "Destroy the applications, files and left-over accounts of campaigns archived longer than RETENTION_DAYS."
    job = "candidatures.retention_purge"
