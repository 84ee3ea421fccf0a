"""Issue 13, dossier side: line breaks counted as the browser counts them, labels that say
when a field is required, and an overview whose button leads somewhere useful."""

import re

import pytest
from django.urls import reverse

from dossiers.models import Internship
from tests.candidatures.conftest import fill_sections_to_apply

pytestmark = pytest.mark.django_db


def label_of(page, field):
    match = re.search(
        rf'<label class="fr-label" for="id_{field}">(.*?)(<span|</label>)', page, re.S
    )
    return " ".join(match.group(1).split())


def test_2000_characters_with_line_breaks_are_accepted_as_typed(candidate_client, unlocked):
    """Defect 3: the browser lets 2,000 characters with line breaks through (one character
    each); the server counted CRLF twice and refused « (actuellement 2002) »."""
    lines = ["x" * 999, "y" * 499, "z" * 498]  # 1996 characters, 3 line breaks, "w": 2000
    typed = "\r\n".join(lines) + "\r\nw"
    assert len(typed.replace("\r\n", "\n")) == 2000
    response = candidate_client.post(
        reverse("dossiers:internships_add"),
        {
            "year": "2023",
            "organisation": "Mairie de Blagnac",
            "duration_weeks": "8",
            "hours_per_week": "35",
            "description": typed,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = Internship.objects.get().description
    assert stored == typed.replace("\r\n", "\n") and len(stored) == 2000


def test_2001_characters_are_still_refused(candidate_client, unlocked):
    response = candidate_client.post(
        reverse("dossiers:internships_add"),
        {
            "year": "2023",
            "organisation": "Mairie",
            "duration_weeks": "8",
            "hours_per_week": "35",
            "description": "x" * 2001,
        },
    )
    assert response.status_code == 200
    assert not Internship.objects.exists()


def test_the_textarea_and_the_server_share_one_limit(candidate_client, unlocked):
    page = candidate_client.get(reverse("dossiers:internships_add")).content.decode()
    assert re.search(r'<textarea name="description"[^>]*maxlength="2000"', page)


def test_baccalaureate_fields_say_when_they_are_required(candidate_client, unlocked):
    """Defect 5: fields marked « (facultatif) » became required once « Baccalauréat français »
    was chosen."""
    page = candidate_client.get(reverse("dossiers:baccalaureate_edit")).content.decode()
    assert label_of(page, "series") == "Série ou type (obligatoire pour le baccalauréat français)"
    assert "(obligatoire pour le baccalauréat français)" in label_of(page, "school")
    assert "(obligatoire sauf si vous n&#x27;avez pas le baccalauréat)" in label_of(page, "year")
    assert "obligatoire pour un diplôme étranger" in label_of(page, "diploma_title")
    assert "(facultatif)" in label_of(page, "mention")  # truly optional stays so


def test_postal_code_is_not_called_optional(candidate_client, unlocked):
    """Defect 5: « Code postal (facultatif) » was required for France."""
    page = candidate_client.get(reverse("dossiers:address_edit")).content.decode()
    assert label_of(page, "postal_code") == "Code postal (obligatoire en France)"
    assert "facultatif" not in label_of(page, "town")
    personal = candidate_client.get(reverse("dossiers:personal_info_edit")).content.decode()
    assert "obligatoire si vous êtes né(e) en France" in label_of(personal, "birth_postal_code")


def test_overview_button_leads_to_the_first_section_still_to_fill(candidate_client, unlocked):
    """Defect 6: the main button always said « Renseigner mes informations personnelles »."""
    page = candidate_client.get(reverse("dossiers:overview")).content.decode()
    button = re.search(r'<a class="fr-btn" href="([^"]+)" id="dossier-next">(.*?)</a>', page, re.S)
    assert button.group(1) == reverse("dossiers:address")
    assert " ".join(button.group(2).split()) == "Continuer : Adresse"


def test_a_complete_dossier_leads_to_the_offer(candidate_client, dossier):
    """Defect 6: at 6/6 nothing led to the offer."""
    fill_sections_to_apply(dossier)
    dossier.has_no_external_cursus = dossier.has_no_internships = True
    dossier.has_no_experiences = True
    dossier.save()
    page = candidate_client.get(reverse("dossiers:overview")).content.decode()
    assert "6 sur 6 rubriques complètes." in page
    button = re.search(r'<a class="fr-btn"\s+href="([^"]+)"\s+id="dossier-next">(.*?)</a>', page)
    assert button.group(1) == reverse("candidatures:offer")
    assert button.group(2) == "Voir l'offre de formation"


def test_an_empty_dossier_starts_with_personal_information(candidate_client):
    page = candidate_client.get(reverse("dossiers:overview")).content.decode()
    assert "Renseigner mes informations personnelles" in page
