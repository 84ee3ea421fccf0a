"""Remind drafts and incomplete applications that the return deadline is near (once each)."""

from jobs.commands import JobCommand


class Command(JobCommand):
    help = "Remind drafts and incomplete applications that the return deadline is near (once each)."
    job = "candidatures.return_reminders"
