"""Withdraws the favourable applications whose confirmation deadline has passed."""

from jobs.commands import JobCommand


class Command(JobCommand):
    help = "Withdraw the favourable applications whose confirmation deadline has passed."
    job = "candidatures.expire_confirmations"
