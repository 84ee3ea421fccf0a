"""The offer (campaigns, centres, programmes) and applications with their workflow."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CandidaturesConfig(AppConfig):
    name = "candidatures"
    verbose_name = _("Applications")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .roles import ensure_groups_after_migrate

        post_migrate.connect(ensure_groups_after_migrate, sender=self)
