"""Documents URLs: under the application for the candidate, by piece for downloads."""

from django.urls import path

from . import views

app_name = "pieces"

urlpatterns = [
    path("candidatures/<int:pk>/pieces/<int:type_pk>/envoyer/", views.upload, name="upload"),
    path("candidatures/<int:pk>/pieces/<int:type_pk>/supprimer/", views.delete, name="delete"),
    path(
        "candidatures/<int:pk>/pieces/<int:type_pk>/non-concerne/",
        views.not_concerned,
        name="not_concerned",
    ),
    path("candidatures/<int:pk>/pieces/<int:type_pk>/reprendre/", views.reuse, name="reuse"),
    path("candidatures/<int:pk>/transmettre/", views.submit, name="submit"),
    path("pieces/<int:piece_pk>/fichier/", views.download, name="download"),
    path("pieces/formulaires/<int:type_pk>/", views.blank_form, name="blank_form"),
]
