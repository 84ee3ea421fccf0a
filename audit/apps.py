"""The generic audit log: who did what, when, to which object, with the values before and
after. Every staff and reviewer service writes one entry in its own transaction."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit log")
