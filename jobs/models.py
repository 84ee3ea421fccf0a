"""The run log: one row per run of a scheduled job, whoever started it (the beat, an operator's
command, a staff member's « run now »)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Trigger(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule")
    ADMIN = "admin", _("Run now (administration)")
    COMMAND = "command", _("Command")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    PARTIAL = "partial", _("Done with errors")
    FAILED = "failed", _("Failed")
    INTERRUPTED = "interrupted", _("Interrupted")


class JobRun(models.Model):
    job = models.CharField(_("job"), max_length=100, db_index=True)
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    limit = models.PositiveIntegerField(_("limit"), null=True, blank=True)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    errors = models.TextField(_("errors"), blank=True)
    host = models.CharField(_("host and process"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-queued_at", "-pk"]
        permissions = [("run_jobs", _("Can run a scheduled job now"))]
        indexes = [models.Index(fields=["job", "-queued_at"], name="jobrun_job_latest")]

    def __str__(self):
        return f"{self.job} {self.queued_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None
