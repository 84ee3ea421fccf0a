from allauth.account.signals import user_logged_in
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntConfig(AppConfig):
    name = "ent"
    verbose_name = _("ENT and student records")

    def ready(self):
        from accounts.services import register_activation_hook

        from .services import records_import_on_activation

        register_activation_hook(records_import_on_activation)
        user_logged_in.connect(_retry_import, dispatch_uid="ent-retry-import")


def _retry_import(sender, request, user, **kwargs):
    from .services import records_retry_on_sign_in

    records_retry_on_sign_in(user=user)
