"""Candidate URLs: the offer (public) and the candidate's applications."""

from django.urls import path

from . import views

app_name = "candidatures"

urlpatterns = [
    path("offre/", views.offer, name="offer"),
    path("offre/<int:programme_pk>/postuler/", views.apply, name="apply"),
    path("candidatures/", views.dashboard, name="dashboard"),
    path("candidatures/<int:pk>/", views.detail, name="detail"),
    path("candidatures/<int:pk>/annuler/", views.cancel, name="cancel"),
    path("candidatures/<int:pk>/copie.pdf", views.pdf_copy, name="pdf_copy"),
    path(
        "candidatures/<int:pk>/lettre-admission.pdf",
        views.admission_letter,
        name="admission_letter",
    ),
    path(
        "candidatures/<int:pk>/confirmer/",
        views.answer,
        {"choice": "confirm"},
        name="confirm",
    ),
    path(
        "candidatures/<int:pk>/desister/",
        views.answer,
        {"choice": "withdraw"},
        name="withdraw",
    ),
]
