"""The offer (campaigns, centres, programmes) and applications with their workflow."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CandidaturesConfig(AppConfig):
    name = "candidatures"
    verbose_name = _("Applications")

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save, pre_save

        from .models import Campaign, Centre, Programme
        from .offer import new_offer_version, offer_changed
        from .roles import ensure_groups_after_migrate

        post_migrate.connect(ensure_groups_after_migrate, sender=self)
        # The offer page's cached listing follows its data (candidatures/offer.py).
        pre_save.connect(new_offer_version, sender=Campaign, dispatch_uid="offer-campaign")
        for model in (Programme, Centre):
            for signal in (post_save, post_delete):
                signal.connect(offer_changed, sender=model, dispatch_uid=f"offer-{model.__name__}")
