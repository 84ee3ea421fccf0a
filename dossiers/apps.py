"""The candidate's dossier and its sections (filled by a later issue)."""

from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "dossiers"
