"""Repeatable sections: add, edit, delete, "I have none", isolation and query cost."""

import datetime

import pytest
from django.urls import reverse

from dossiers.models import Experience, ExternalCursus, Internship
from dossiers.selectors import dossier_for, missing_sections
from tests.factories import (
    DossierFactory,
    ExperienceFactory,
    ExternalCursusFactory,
    InternshipFactory,
)

VALID = {
    "external_cursus": {
        "year": "2020",
        "institution": "Université de Bordeaux",
        "country": "FR",
        "diploma": "Licence de lettres",
        "level": "bac+3",
        "obtained": "in_progress",
        "mention": "",
    },
    "internships": {
        "year": "2021",
        "organisation": "Mairie de Toulouse",
        "duration_weeks": "10",
        "hours_per_week": "35",
        "description": "Accueil",
    },
    "experiences": {
        "start_date": "2015-09-01",
        "end_date": "",
        "employer": "Airbus",
        "position": "Technicien",
        "work_time": "part",
        "description": "",
    },
}
MODELS = {"external_cursus": ExternalCursus, "internships": Internship, "experiences": Experience}
FACTORIES = {
    "external_cursus": ExternalCursusFactory,
    "internships": InternshipFactory,
    "experiences": ExperienceFactory,
}


@pytest.mark.parametrize("section", list(VALID))
def test_add_edit_delete_a_line(candidate_client, unlocked, section):
    url = reverse(f"dossiers:{section}_add")
    assert candidate_client.post(url, VALID[section]).status_code == 302
    line = MODELS[section].objects.get(dossier=unlocked)
    edit = reverse(f"dossiers:{section}_edit", args=[line.pk])
    changed = {**VALID[section]}
    key = next(k for k in ("diploma", "organisation", "employer") if k in changed)
    changed[key] = "Changed"
    assert candidate_client.post(edit, changed).status_code == 302
    line.refresh_from_db()
    assert getattr(line, key) == "Changed"
    page = candidate_client.get(reverse(f"dossiers:{section}")).content.decode()
    assert "Changed" in page
    delete = reverse(f"dossiers:{section}_delete", args=[line.pk])
    assert "Supprimer" in candidate_client.get(delete).content.decode()
    assert candidate_client.post(delete).status_code == 302
    assert not MODELS[section].objects.filter(dossier=unlocked).exists()


@pytest.mark.parametrize("section", list(VALID))
def test_another_candidates_line_is_not_found(candidate_client, unlocked, section):
    line = FACTORIES[section](dossier=DossierFactory())
    for name in ("edit", "delete"):
        url = reverse(f"dossiers:{section}_{name}", args=[line.pk])
        assert candidate_client.post(url, VALID[section]).status_code == 404
    assert MODELS[section].objects.filter(pk=line.pk).exists()


def test_i_have_none_completes_the_section(candidate_client, unlocked):
    assert "internships" in missing_sections(
        dossier=dossier_for(unlocked.user), optional_sections=set()
    )
    candidate_client.post(reverse("dossiers:internships_none"), {"none": "on"})
    unlocked.refresh_from_db()
    assert unlocked.has_no_internships
    assert "internships" not in missing_sections(
        dossier=dossier_for(unlocked.user), optional_sections=set()
    )


def test_i_have_none_is_refused_when_lines_exist(candidate_client, unlocked):
    InternshipFactory(dossier=unlocked)
    response = candidate_client.post(
        reverse("dossiers:internships_none"), {"none": "on"}, follow=True
    )
    assert "supprimez-les d’abord" in response.content.decode()
    unlocked.refresh_from_db()
    assert not unlocked.has_no_internships


def test_adding_a_line_clears_i_have_none(candidate_client, unlocked):
    unlocked.has_no_experiences = True
    unlocked.save()
    candidate_client.post(reverse("dossiers:experiences_add"), VALID["experiences"])
    unlocked.refresh_from_db()
    assert not unlocked.has_no_experiences


@pytest.mark.parametrize(
    ("section", "change", "field"),
    [
        ("external_cursus", {"year": "1850"}, "year"),
        ("external_cursus", {"obtained": "maybe"}, "obtained"),
        ("internships", {"hours_per_week": "200"}, "hours_per_week"),
        ("internships", {"duration_weeks": "0"}, "duration_weeks"),
        ("experiences", {"start_date": "2999-01-01"}, "start_date"),
        ("experiences", {"end_date": "2010-01-01"}, "end_date"),
        ("experiences", {"work_time": ""}, "work_time"),
    ],
)
def test_line_validation(candidate_client, unlocked, section, change, field):
    response = candidate_client.post(
        reverse(f"dossiers:{section}_add"), {**VALID[section], **change}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "form-error-summary" in response.content.decode()
    assert not MODELS[section].objects.filter(dossier=unlocked).exists()


@pytest.mark.parametrize("section", list(VALID))
def test_a_section_page_costs_the_same_with_20_lines(
    candidate_client, unlocked, section, django_assert_num_queries
):
    FACTORIES[section].create_batch(20, dossier=unlocked)
    with django_assert_num_queries(3):  # user, dossier, lines
        response = candidate_client.get(reverse(f"dossiers:{section}"))
    assert response.content.decode().count("/dossier/") >= 20


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("overview", 2),  # user, dossier with which sections are filled
        ("personal_info", 3),  # + the section's row with its commune
        ("address_edit", 2),  # empty section: no row to read
        ("baccalaureate", 4),  # + the form's series and mentions
        ("internal_cursus", 3),  # + the lines
    ],
)
def test_other_pages_cost_exactly(
    candidate_client, unlocked, name, queries, django_assert_num_queries
):
    with django_assert_num_queries(queries):
        assert candidate_client.get(reverse(f"dossiers:{name}")).status_code == 200


def test_experience_dates_show_in_the_list(candidate_client, unlocked):
    ExperienceFactory(dossier=unlocked, start_date=datetime.date(2011, 3, 1), employer="ACME")
    page = candidate_client.get(reverse("dossiers:experiences")).content.decode()
    assert "ACME" in page and "2011" in page
