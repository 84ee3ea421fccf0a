"""Table exports from the applications list: the staff member's selection, scoped to their
centres, with the columns they chose, built by the task, formulas neutralised, downloaded only
by them."""

import csv
import io

import pytest
from django.contrib.admin import helpers
from django.urls import reverse
from openpyxl import load_workbook

from dossiers.models import PersonalInfo
from exports import services
from exports.columns import safe_cell
from exports.models import Export
from tests.factories import (
    CandidatureFactory,
    CentreFactory,
    PieceFactory,
    PieceTypeFactory,
    ProgrammeFactory,
    RequiredPieceFactory,
    centre_staff,
)

from .conftest import may_view_applications

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre():
    return CentreFactory(name="UFR Langues")


@pytest.fixture
def staff(client, centre):
    user = may_view_applications(centre_staff(centre, language="en"))
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def ask(client, candidatures, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("admin:candidatures_candidature_changelist"),
            {
                "action": "export_table",
                helpers.ACTION_CHECKBOX_NAME: [c.pk for c in candidatures],
                "apply": "1",
                **data,
            },
        )


def test_xlsx_of_my_centres_received_applications_with_chosen_columns(
    client, staff, centre, django_capture_on_commit_callbacks
):
    programme = ProgrammeFactory(centre=centre, code="M1-LEA")
    cv = PieceTypeFactory(label_en="CV", label_fr="CV")
    RequiredPieceFactory(programme=programme, piece_type=cv)
    mine = CandidatureFactory(programme=programme, received=True)
    PersonalInfo.objects.filter(dossier=mine.dossier).update(
        first_names='=HYPERLINK("http://evil","x")'
    )
    PieceFactory(candidature=mine, piece_type=cv, status="validated")
    other = CandidatureFactory(programme=programme, received=True)
    elsewhere = CandidatureFactory(received=True)  # another centre's: left out
    response = ask(
        client,
        [mine, other, elsewhere],
        django_capture_on_commit_callbacks,
        kind="xlsx",
        columns=["number", "first_names", "programme_code", "status", "submitted_at", "pieces"],
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:exports_export_changelist")
    export = Export.objects.get()
    assert (export.owner, export.total, export.status, export.done) == (staff, 2, "done", 2)

    listing = client.get(reverse("admin:exports_export_changelist")).content.decode()
    link = reverse("exports:download", args=[export.pk])
    assert link in listing and "2 / 2 (100 %)" in listing
    download = client.get(link)
    assert download["Content-Disposition"].startswith('attachment; filename="applications-')
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0] == (
        "Candidate no.",
        "First names",
        "Programme code",
        "Status",
        "Submitted at",
        "CV",
    )
    by_number = {row[0]: row for row in rows[1:]}
    assert set(by_number) == {mine.dossier.number, other.dossier.number}
    row = by_number[mine.dossier.number]
    assert row[1] == '\'=HYPERLINK("http://evil","x")'  # shown as text, never run
    assert row[2:4] == ("M1-LEA", "Received")
    assert row[4].year == mine.submitted_at.year and row[4].tzinfo is None
    assert row[5] == "Validated"
    assert by_number[other.dossier.number][5] == "Missing"


def test_csv_is_semicolon_separated_utf8_with_bom(
    client, staff, centre, django_capture_on_commit_callbacks
):
    candidature = CandidatureFactory(programme=ProgrammeFactory(centre=centre))
    PersonalInfo.objects.filter(dossier=candidature.dossier).update(birth_name="@SUM(A1)")
    ask(
        client,
        [candidature],
        django_capture_on_commit_callbacks,
        kind="csv",
        columns=["birth_name", "email", "created_at"],
    )
    export = Export.objects.get()
    content = b"".join(client.get(reverse("exports:download", args=[export.pk])).streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Birth name", "Email", "Created at"]
    assert rows[1][0] == "'@SUM(A1)" and rows[1][1] == candidature.dossier.user.email
    assert len(rows[1][2]) == len("2026-12-01 10:00")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+33 6 12", "'+33 6 12"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Marie", "Marie"),
        (-2, -2),
        ("", ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_neutralised(value, expected):
    assert safe_cell(value) == expected


def test_no_column_chosen_is_refused_with_a_message(client, staff, centre):
    candidature = CandidatureFactory(programme=ProgrammeFactory(centre=centre))
    response = client.post(
        reverse("admin:candidatures_candidature_changelist"),
        {
            "action": "export_table",
            helpers.ACTION_CHECKBOX_NAME: [candidature.pk],
            "apply": "1",
            "kind": "xlsx",
        },
    )
    assert response.status_code == 200
    assert "Choose at least one column." in response.content.decode()
    assert not Export.objects.exists()


def test_another_staff_member_or_a_candidate_gets_404(
    client, staff, centre, django_capture_on_commit_callbacks
):
    candidature = CandidatureFactory(programme=ProgrammeFactory(centre=centre))
    ask(client, [candidature], django_capture_on_commit_callbacks, kind="csv", columns=["email"])
    link = reverse("exports:download", args=[Export.objects.get().pk])
    colleague = may_view_applications(centre_staff(centre))  # same centre, not their export
    client.force_login(colleague)
    assert client.get(link).status_code == 404
    client.force_login(candidature.dossier.user)
    assert client.get(link).status_code == 404
    client.logout()
    # Deny by default: an anonymous visitor is sent to sign in before anything is looked up.
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_only_other_centres_applications_gives_a_message(client, staff):
    response = client.post(
        reverse("admin:candidatures_candidature_changelist"),
        {
            "action": "export_table",
            helpers.ACTION_CHECKBOX_NAME: [CandidatureFactory().pk],
            "apply": "1",
            "kind": "xlsx",
            "columns": ["email"],
        },
        follow=True,
    )
    assert "None of these applications is yours to export." in response.content.decode()
    assert not Export.objects.exists()


def test_progress_is_saved_after_each_chunk(staff, centre, monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 2)
    programme = ProgrammeFactory(centre=centre)
    candidatures = [CandidatureFactory(programme=programme) for _ in range(5)]
    seen = []
    real = services._progress
    monkeypatch.setattr(
        services, "_progress", lambda export, done: (seen.append(done), real(export, done))
    )
    from candidatures.models import Candidature

    export = services.export_request(
        user=staff,
        kind="xlsx",
        candidatures=Candidature.objects.filter(pk__in=[c.pk for c in candidatures]),
        columns=["email"],
    )
    assert services.export_build(export_id=export.pk) == "done"
    assert seen == [2, 4, 5]
    assert services.export_build(export_id=export.pk) == "skipped"  # a second delivery
