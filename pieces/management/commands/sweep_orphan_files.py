"""Deletes stored files under the pieces prefix that no row names and that are older than an
hour (``pieces.jobs.sweep_orphan_files``; the nightly schedule does the same)."""

from jobs.commands import JobCommand


class Command(JobCommand):
    help = "Delete stored piece files that no row references (older than one hour)."
    job = "pieces.sweep_orphan_files"
