"""Reviewer URLs, under /commission/."""

from django.urls import path

from . import views

app_name = "commissions"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("decisions/", views.bulk, name="bulk"),
    path("dossiers/<int:pk>/", views.application_detail, name="detail"),
    path("dossiers/<int:pk>/avis/", views.opinion, name="opinion"),
    path("dossiers/<int:pk>/decision/", views.decide, name="decide"),
    path("dossiers/<int:pk>/publier/", views.publish_one, name="publish"),
    path("dossiers/<int:pk>/dossier-complet/", views.export_dossier, name="export_dossier"),
    path("pieces/<int:piece_pk>/", views.piece, name="piece"),
    path("exports/", views.exports, name="exports"),
    path("exports/tableau/", views.export_table, name="export_table"),
    path("exports/<int:pk>/telecharger/", views.export_download, name="export_download"),
]
