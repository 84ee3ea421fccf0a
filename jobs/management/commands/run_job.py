"""Runs any registered job by name (each job also has its own command)."""

from jobs.commands import JobCommand
from jobs.registry import all_jobs


class Command(JobCommand):
    help = "Run a scheduled job now, by name (logged in the run log)."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=[job.name for job in all_jobs()])
        super().add_arguments(parser)

    def run(self, *, name, **options):
        self.job = name
        return super().run(**options)
