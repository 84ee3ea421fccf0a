"""``JobCommand``: a job's ``manage.py`` command. Same --dry-run / --limit / summary line as
every operator command, and the run goes to the run log like the beat's."""

from django.core.management.base import CommandError

from ecandidat.commands import OperatorCommand

from .models import RunStatus, Trigger
from .runner import job_run


class JobCommand(OperatorCommand):
    job: str = ""

    def run(self, *, dry_run, limit, **options) -> str:
        run = job_run(name=self.job, trigger=Trigger.COMMAND, dry_run=dry_run, limit=limit)
        for line in run.report.lines:
            self.stdout.write(f"  {line}")
        if run.status == RunStatus.FAILED:
            raise CommandError(f"{run.summary}\n{run.errors}")
        for error in run.report.errors:
            self.stderr.write(error)
        return run.summary
