"""Scans again the documents left « being checked » while the antivirus was down."""

from jobs.commands import JobCommand


class Command(JobCommand):
    help = "Scan again the documents the antivirus could not check when they were sent."
    job = "pieces.rescan_pending"
