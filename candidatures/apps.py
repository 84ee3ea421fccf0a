"""The offer (campaigns, centres, programmes) and applications with their workflow."""

from django.apps import AppConfig


class CandidaturesConfig(AppConfig):
    name = "candidatures"
