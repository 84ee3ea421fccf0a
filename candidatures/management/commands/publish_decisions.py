"""Publishes the decisions whose programme's publication date has come."""

from jobs.commands import JobCommand


class Command(JobCommand):
    help = "Publish the decisions recorded before their programme's publication date, now reached."
    job = "candidatures.publish_decisions"
