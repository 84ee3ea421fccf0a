from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Scheduled jobs")

    def ready(self):
        from django.db.models.signals import post_migrate
        from django.utils.module_loading import autodiscover_modules

        from . import checks  # noqa: F401 (registers the system check)
        from .schedules import sync_schedules_after_migrate

        # Each app declares its jobs in its own ``jobs.py`` with ``@scheduled_job``.
        autodiscover_modules("jobs")
        post_migrate.connect(sync_schedules_after_migrate, sender=self)
