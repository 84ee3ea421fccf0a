"""Candidate and staff accounts: email login, candidate number, 48-hour activation."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
