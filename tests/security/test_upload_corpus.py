"""The hostile-upload corpus grown by the security suite (tests/pieces/corpus.py, bottom): each
file is refused for its reason or comes out rewritten without what it carried; and a hostile
original file name (markup, CR/LF, a path) is only ever data: shown escaped, sent back in a
Content-Disposition that injects no header, never used to store the file."""

import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from pieces.files import PolyglotFile, check_upload
from pieces.models import Piece
from tests.factories import PieceTypeFactory
from tests.pieces import corpus
from tests.pieces.helpers import application
from tests.pieces.test_pdf import _all_strings

pytestmark = pytest.mark.django_db


def _upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_a_jpeg_with_a_zip_after_its_end_is_refused_as_a_polyglot():
    with pytest.raises(PolyglotFile) as refused:
        check_upload(_upload("photo.jpg", corpus.jpeg_zip_polyglot()))
    assert refused.value.code == "polyglot"


@pytest.mark.parametrize(
    ("name", "make", "carried"),
    [
        ("releve.pdf", corpus.pdf_with_html_after_eof, [b"<script", b"<!DOCTYPE html"]),
        ("photo.png", corpus.png_with_script_chunks, [b"<script", b"tEXt", b"iTXt", b"xmpmeta"]),
        (
            "diplome.pdf",
            corpus.pdf_with_outline_and_external_streams,
            [b"/Launch", b"/URI", b"/Outlines"],
        ),
    ],
)
def test_what_the_file_carried_is_gone_from_the_stored_copy(name, make, carried):
    data = make()
    assert all(needle in data for needle in carried)  # the case holds what it claims
    clean = check_upload(_upload(name, data))
    assert [needle for needle in carried if needle in clean.data] == []


def test_the_outline_and_external_stream_targets_are_gone_too():
    data = corpus.pdf_with_outline_and_external_streams()
    targets = ("cmd.exe", "evil.invalid", "/etc/passwd")
    assert {t for t in targets for text in _all_strings(data) if t in text} == set(targets)
    clean = check_upload(_upload("diplome.pdf", data))
    assert [text for text in _all_strings(clean.data) if any(t in text for t in targets)] == []
    assert "Diplome" in PdfReader(io.BytesIO(clean.data)).pages[0].extract_text()


# What a client can send (a raw CR/LF would end the part's header line): markup, a path, a
# right-to-left override that makes "fdp.exe" read "exe.pdf".
HOSTILE_NAME = "..\\..\\<img src=x onerror=alert(1)>\u202efdp.exe.pdf"


def test_a_hostile_original_name_is_only_data(client, settings, tmp_path):
    candidature = application(None, PieceTypeFactory(label_en="CV", label_fr="CV"))
    client.force_login(candidature.dossier.user)
    piece_type = candidature.programme.required_pieces.get().piece_type
    url = reverse("pieces:upload", args=[candidature.pk, piece_type.pk])
    pdf = SimpleUploadedFile(HOSTILE_NAME, corpus.pdf(), content_type="application/pdf")

    response = client.post(url, {"files": [pdf]}, follow=True)

    assert response.status_code == 200
    piece = Piece.objects.get(candidature=candidature)
    # Stored under a random name; the original name kept as data (the parser drops the path).
    assert piece.file.name.startswith("pieces/") and "img" not in piece.file.name
    assert "<img src=x onerror=alert(1)>" in piece.original_name
    page = client.get(reverse("candidatures:detail", args=[candidature.pk])).content.decode()
    assert "<img src=x" not in page
    assert html.escape(piece.original_name) in page
    # A name with CR/LF (written by an import or the admin) sent back in the download header.
    Piece.objects.filter(pk=piece.pk).update(
        original_name='cv"; filename=evil.exe\r\nX-Injected: 1\r\n\r\n<script>.pdf'
    )
    download = client.get(reverse("pieces:download", args=[piece.pk]))
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert not download.has_header("X-Injected")
    assert disposition.startswith("attachment; filename")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
