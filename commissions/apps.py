"""Commissions, reviews, decisions, publication, confirmation and withdrawal."""

from django.apps import AppConfig


class CommissionsConfig(AppConfig):
    name = "commissions"
