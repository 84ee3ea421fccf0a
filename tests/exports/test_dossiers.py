"""Full dossiers: the candidate's PDF copy, then each document (PDFs as they are, images as a
page), a page for each missing, pending or damaged one; a ZIP for several. The PDF copy lists
the documents with their status and the published decision, and wraps long words."""

import io
import zipfile

import pytest
from django.contrib.admin import helpers
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from candidatures.copy import copy_pdf
from dossiers.models import Address
from exports.dossier import full_dossier_pdf
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

from .conftest import may_view_applications, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def asking(programme, *labels):
    types = [PieceTypeFactory(label_en=label, label_fr=label) for label in labels]
    for piece_type in types:
        RequiredPieceFactory(programme=programme, piece_type=piece_type)
    return types


def with_file(candidature, piece_type, data, name, **fields):
    piece = PieceFactory(
        candidature=candidature, piece_type=piece_type, original_name=name, **fields
    )
    piece.file.save(name, ContentFile(data))
    return piece


def test_every_document_follows_the_summary_and_problems_get_their_own_page():
    programme = ProgrammeFactory()
    scan, photo, broken, absent, scanning = asking(
        programme, "Transcript", "Photo", "Diploma", "CV", "Letter"
    )
    candidature = CandidatureFactory(programme=programme, received=True)
    with_file(candidature, scan, pdf_bytes(pages=2), "releve.pdf")
    with_file(candidature, photo, png_bytes(), "photo.png", content_type="image/png")
    with_file(candidature, broken, b"%PDF-1.4 this is not a PDF at all", "diplome.pdf")
    with_file(candidature, scanning, pdf_bytes(), "lettre.pdf", status="pending_scan")
    summary_pages = len(text(copy_pdf(candidature, language="en")))

    pages = text(full_dossier_pdf(candidature, language="en"))
    assert len(pages) == summary_pages + 2 + 1 + 3
    assert "Transcript" in pages[0] or any("Transcript" in p for p in pages[:summary_pages])
    after = pages[summary_pages:]
    assert after[0] == after[1] == ""  # the two blank pages of the PDF sent
    assert after[2] == ""  # the photo (an image, no text)
    assert "Diploma" in after[3] and "damaged" in after[3] and "diplome.pdf" in after[3]
    assert "CV" in after[4] and "not sent" in after[4]
    assert "Letter" in after[5] and "antivirus" in after[5]


def test_a_stored_file_gone_missing_is_listed_not_fatal():
    programme = ProgrammeFactory()
    (scan,) = asking(programme, "Transcript")
    candidature = CandidatureFactory(programme=programme)
    piece = with_file(candidature, scan, pdf_bytes(), "releve.pdf")
    piece.file.storage.delete(piece.file.name)
    pages = text(full_dossier_pdf(candidature, language="fr"))
    assert "Le fichier stocké de cette pièce est introuvable." in pages[-1]


def test_zip_of_three_dossiers_from_the_admin(client, django_capture_on_commit_callbacks):
    centre = CentreFactory()
    staff = may_view_applications(centre_staff(centre))
    client.force_login(staff)
    programme = ProgrammeFactory(centre=centre, code="L3-HIS")
    candidatures = [CandidatureFactory(programme=programme, received=True) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:candidatures_candidature_changelist"),
            {
                "action": "full_dossiers",
                helpers.ACTION_CHECKBOX_NAME: [c.pk for c in candidatures],
            },
        )
    export = Export.objects.get()
    assert (export.kind, export.status, export.done) == ("dossiers_zip", "done", 3)
    response = client.get(reverse("exports:download", args=[export.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == sorted(
        f"candidature-{c.dossier.number.lower()}-l3-his.pdf" for c in candidatures
    )
    for name in archive.namelist():
        assert PdfReader(io.BytesIO(archive.read(name))).pages


def test_one_selected_gives_its_pdf(client, django_capture_on_commit_callbacks):
    centre = CentreFactory()
    client.force_login(may_view_applications(centre_staff(centre)))
    candidature = CandidatureFactory(programme=ProgrammeFactory(centre=centre))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:candidatures_candidature_changelist"),
            {"action": "full_dossiers", helpers.ACTION_CHECKBOX_NAME: [candidature.pk]},
        )
    export = Export.objects.get()
    assert export.kind == "dossier" and export.filename.endswith(".pdf")
    content = b"".join(client.get(reverse("exports:download", args=[export.pk])).streaming_content)
    assert content.startswith(b"%PDF")


def test_the_copy_lists_documents_and_the_published_decision():
    programme = ProgrammeFactory(has_waiting_list=True)
    sent, refused, absent = asking(programme, "Transcript", "CV", "Letter")
    candidature = CandidatureFactory(programme=programme, waitlisted=True, waitlist_rank=4)
    with_file(candidature, sent, pdf_bytes(), "releve.pdf", status="validated")
    with_file(
        candidature, refused, pdf_bytes(), "cv.pdf", status="refused", refusal_comment="Unsigned"
    )
    page = " ".join(text(copy_pdf(candidature, language="en")))
    assert "Transcript" in page and "Validated — releve.pdf" in page
    assert "Refused — Unsigned" in page and "Letter" in page and "Missing" in page
    assert "Waiting list — rank 4" in page and "published on" in page


def test_an_unpublished_decision_is_not_in_the_copy():
    candidature = CandidatureFactory(decided=True)
    page = " ".join(text(copy_pdf(candidature, language="en")))
    assert "Favourable" not in page


def test_long_unbroken_text_wraps_inside_the_page():
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from candidatures.copy import copy_context
    from ecandidat.pdf import StaticOnlyFetcher, static_base_url

    candidature = CandidatureFactory()
    Address.objects.filter(dossier=candidature.dossier).update(line1="x" * 150)
    html = render_to_string(
        "candidatures/pdf/copy.html", {**copy_context(candidature), "LANGUAGE_CODE": "en"}
    )
    document = HTML(
        string=html, base_url=static_base_url(), url_fetcher=StaticOnlyFetcher()
    ).render()

    def boxes(box):
        yield box
        for child in getattr(box, "children", []):
            yield from boxes(child)

    for page in document.pages:
        right = page.width - page._page_box.margin_right
        widest = max(
            box.position_x + box.width
            for box in boxes(page._page_box)
            if getattr(box, "text", None)
        )
        assert widest <= right + 1
    assert "x" * 40 in " ".join(text(document.write_pdf()))
