"""Dossier URLs, mounted under dossier/. Each section's URL name is its key."""

from django.urls import path

from . import views
from .models import Section

app_name = "dossiers"

SLUGS = {
    Section.PERSONAL_INFO: "personal-info",
    Section.ADDRESS: "address",
    Section.BACCALAUREATE: "baccalaureate",
    Section.EXTERNAL_CURSUS: "external-cursus",
    Section.INTERNSHIPS: "internships",
    Section.EXPERIENCES: "experiences",
}

urlpatterns = [
    path("", views.overview, name="overview"),
    path("open/", views.open_dossier, name="open"),
    path("internal-cursus/", views.internal_cursus, name=Section.INTERNAL_CURSUS.value),
]
for key in map(str, views.SINGLE_FORMS):
    urlpatterns += [
        path(f"{SLUGS[key]}/", views.single_section, {"section": key}, name=key),
        path(
            f"{SLUGS[key]}/edit/",
            views.single_section,
            {"section": key, "edit": True},
            name=f"{key}_edit",
        ),
    ]
for key in map(str, views.LINE_FORMS):
    slug = SLUGS[key]
    urlpatterns += [
        path(f"{slug}/", views.line_list, {"section": key}, name=key),
        path(f"{slug}/add/", views.line_edit, {"section": key}, name=f"{key}_add"),
        path(f"{slug}/<int:pk>/edit/", views.line_edit, {"section": key}, name=f"{key}_edit"),
        path(
            f"{slug}/<int:pk>/delete/",
            views.line_remove,
            {"section": key},
            name=f"{key}_delete",
        ),
        path(f"{slug}/none/", views.declare_none, {"section": key}, name=f"{key}_none"),
    ]
