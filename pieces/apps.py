"""Required documents, uploads, checks and serving files."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PiecesConfig(AppConfig):
    name = "pieces"
    verbose_name = _("Documents")

    def ready(self):
        from candidatures.workflow import register_submission_check

        from .selectors import missing_for_submission

        register_submission_check(missing_for_submission)
