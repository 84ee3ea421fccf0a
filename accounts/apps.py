"""Candidate and staff accounts: email login, candidate number, 48-hour activation."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from ecandidat.middleware import stamp_session_start

        user_logged_in.connect(stamp_session_start, dispatch_uid="ecandidat_session_start")
