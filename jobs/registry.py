"""The registry of scheduled jobs: how an app makes a job runnable by the beat, from the admin
(« run now ») and as a ``manage.py`` command, with every run in the run log (``JobRun``).

An app declares a job in its own ``<app>/jobs.py`` (imported at start-up by ``JobsConfig``)::

    from jobs.registry import JobReport, scheduled_job

    @scheduled_job(
        "commissions.publish_decisions",
        label=_("Publish decisions at their publication date"),
        crontab="*/15 * * * *",
    )
    def publish_due_decisions(*, dry_run: bool, limit: int | None) -> JobReport:
        report = JobReport()
        ...  # each item in its own transaction, rows taken with select_for_update(skip_locked=True)
        report.add("published")
        return report

and, for the operators, a command whose class is ``jobs.commands.JobCommand`` with
``job = "commissions.publish_decisions"``. The schedule (a django-celery-beat ``PeriodicTask``
calling ``jobs.tasks.run_job`` with the job's name) is created from ``crontab`` / ``every`` by
the next ``migrate``; from then on the admin's copy wins. A job must be safe to run twice at
once and again after a crash: take each item locked with ``skip_locked`` and check it again
under the lock (``jobs.batches.each_locked`` does both).

This module imports no other app of the project: they import it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

_registry: dict[str, "Job"] = {}


@dataclass
class JobReport:
    """What a run did: counts by name (``sent``, ``skipped``...), per-item errors, and the
    one-line summary (built from the counts when the job gives none)."""

    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # details the command prints
    summary: str = ""

    def add(self, name: str, number: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + number

    def error(self, message: str) -> None:
        self.errors.append(message)
        self.add("errors")

    def summary_line(self, *, dry_run: bool = False) -> str:
        text = self.summary or (
            ", ".join(f"{name}: {number}" for name, number in self.counts.items())
            or "nothing to do"
        )
        return f"{text} (dry run)" if dry_run and "dry run" not in text else text


@dataclass(frozen=True)
class Job:
    name: str
    function: Callable[..., JobReport]
    label: str
    crontab: str | None = None  # "minute hour day-of-month month day-of-week"
    every: int | None = None  # seconds

    def __str__(self):
        return str(self.label)


class DuplicateJob(ValueError):
    pass


def scheduled_job(name: str, *, label, crontab: str | None = None, every: int | None = None):
    """Registers the decorated ``function(*, dry_run, limit) -> JobReport`` under ``name``."""
    if (crontab is None) == (every is None):
        raise ValueError(f"job {name}: give a crontab or an interval, exactly one")

    def register(function):
        existing = _registry.get(name)
        if existing is not None and existing.function.__qualname__ != function.__qualname__:
            raise DuplicateJob(f"two jobs are named {name}")
        _registry[name] = Job(
            name=name, function=function, label=label, crontab=crontab, every=every
        )
        return function

    return register


def get_job(name: str) -> Job:
    try:
        return _registry[name]
    except KeyError:
        raise UnknownJob(name) from None


def all_jobs() -> list[Job]:
    return sorted(_registry.values(), key=lambda job: job.name)


class UnknownJob(LookupError):
    pass
