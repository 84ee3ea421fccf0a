"""Required documents, uploads, checks and serving files."""

from django.apps import AppConfig


class PiecesConfig(AppConfig):
    name = "pieces"
