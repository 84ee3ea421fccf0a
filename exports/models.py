"""An export a staff member or a commission member asked for: a table (CSV, XLSX) of
applications with the columns they chose, one application's full dossier (PDF) or a ZIP of
several. Built by a Celery task (``services.export_build``); only its owner may see and
download it. Its ``audience`` says through which scope its rows are read: the back office's
(``Candidature.objects.for_staff``) or the commission's (``for_reviewer``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CSV = "csv", _("CSV table")
    XLSX = "xlsx", _("Excel table (XLSX)")
    DOSSIER = "dossier", _("Full dossier (PDF)")
    DOSSIERS_ZIP = "dossiers_zip", _("Full dossiers (ZIP of PDFs)")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class Audience(models.TextChoices):
    STAFF = "staff", _("Back office")
    COMMISSION = "commission", _("Commission")


class ExportQuerySet(models.QuerySet):
    def for_user(self, user):
        """A staff member's own back-office exports (the admin's door loads through this)."""
        from ecandidat.scoping import backoffice_user

        if not backoffice_user(user):
            return self.none()
        return self.filter(owner=user, audience=Audience.STAFF)

    def for_reviewer(self, user):
        """A commission member's own commission exports (the reviewer pages' door)."""
        from ecandidat.scoping import reviewer_user

        if not reviewer_user(user):
            return self.none()
        return self.filter(owner=user, audience=Audience.COMMISSION)


class Export(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("asked by"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    audience = models.CharField(
        _("asked from"), max_length=10, choices=Audience.choices, default=Audience.STAFF
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    columns = models.JSONField(_("columns"), default=list, blank=True)
    candidature_ids = models.JSONField(_("applications"), default=list)
    language = models.CharField(_("language"), max_length=5, default="fr")
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    file = models.FileField(_("file"), upload_to="exports", blank=True, max_length=200)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)
