"""The candidate's dossier: its sections, their order, their completeness and the freeze of the
personal information once an application has been submitted."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Dossiers")
