"""Remind favourable candidates who have not answered that the confirmation deadline is near (once each)."""

from jobs.commands import JobCommand


class Command(JobCommand):
    help = "Remind favourable candidates who have not answered that the confirmation deadline is near (once each)."
    job = "candidatures.confirmation_reminders"
