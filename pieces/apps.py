"""Required documents, uploads, checks and serving files."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PiecesConfig(AppConfig):
    name = "pieces"
    verbose_name = _("Documents")

    def ready(self):
        from candidatures.selectors import (
            register_detail_extension,
            register_missing_item_provider,
        )
        from candidatures.workflow import register_submission_check

        from .selectors import missing_for_submission, missing_pieces_by_candidature, pieces_context

        register_submission_check(missing_for_submission)
        register_missing_item_provider(missing_pieces_by_candidature)
        register_detail_extension(
            lambda candidature, row: pieces_context(
                candidature, missing_sections_labels=row["missing"]
            )
        )
