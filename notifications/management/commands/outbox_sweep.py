"""Queues the outbox rows that are due, as the schedule does every minute. In embedded mode (no
beat, eager tasks) this sends them in-process: the operator's way to push a stuck mail out."""

from jobs.commands import JobCommand


class Command(JobCommand):
    help = "Queue (or, in embedded mode, send) the outgoing mails that are due."
    job = "notifications.outbox_sweep"
