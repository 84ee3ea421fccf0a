"""merge_to_pdf: photos and PDFs for one document, in order, within the limit."""

import io

import pytest
from pypdf import PdfReader

from pieces.files import (
    FileKind,
    MergeTooBig,
    NoFiles,
    PdfEncrypted,
    TooManyFiles,
    TypeNotAllowed,
    merge_to_pdf,
)

from . import corpus

MB = corpus.MB


def test_three_photos_make_one_pdf_of_three_pages_in_order(upload):
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    photos = [
        upload(f"page{n}.jpg", corpus.image(size=(600, 800), color=colour))
        for n, colour in enumerate(colours, start=1)
    ]

    clean = merge_to_pdf(photos)

    assert clean.kind == FileKind.PDF
    assert clean.pages == 3
    assert clean.name == "page1.pdf"
    reader = PdfReader(io.BytesIO(clean.data))
    assert len(reader.pages) == 3
    for page, colour in zip(reader.pages, colours, strict=True):
        # Portrait photos become portrait A4 pages.
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width <= 595.5 and height <= 842.5
        assert round(width) == 595 or round(height) == 842
        picture = next(iter(page.images)).image.convert("RGB")
        assert all(
            abs(a - b) < 8 for a, b in zip(picture.getpixel((300, 400)), colour, strict=True)
        )


def test_photos_and_pdfs_mix_in_the_given_order(upload):
    clean = merge_to_pdf(
        [
            upload("recto.pdf", corpus.pdf(text="Recto")),
            upload("photo.png", corpus.image("PNG", size=(900, 600))),
            corpus.pdf(pages=2, text="Annexe"),
        ],
        name="Diplôme.pdf",
    )

    reader = PdfReader(io.BytesIO(clean.data))
    texts = [page.extract_text() for page in reader.pages]
    assert texts[0] == "Recto 1" and texts[2:] == ["Annexe 1", "Annexe 2"]
    assert next(iter(reader.pages[1].images))  # the photo, on a landscape page
    assert float(reader.pages[1].mediabox.width) > float(reader.pages[1].mediabox.height)
    assert clean.name == "Diplôme.pdf"


def test_merged_pdfs_lose_their_active_content(upload):
    clean = merge_to_pdf([corpus.pdf_with_active_content(), corpus.image(size=(100, 100))])

    for name in corpus.FORBIDDEN_PDF_NAMES:
        assert name not in clean.data


def test_ten_large_photos_over_the_limit_fit_once_re_encoded():
    photos = [corpus.photo((1800, 1350), seed=n) for n in range(10)]
    assert sum(len(photo) for photo in photos) > 12 * MB
    assert all(len(photo) < 5 * MB for photo in photos)

    clean = merge_to_pdf(photos)

    assert clean.size <= 5 * MB
    assert clean.pages == 10
    assert len(PdfReader(io.BytesIO(clean.data)).pages) == 10


def test_photos_that_can_not_fit_raise_a_clear_error():
    photos = [corpus.photo((1240, 930), seed=n, quality=20) for n in range(8)]
    assert all(len(photo) < 300 * 1024 for photo in photos)

    with pytest.raises(MergeTooBig) as caught:
        merge_to_pdf(photos, max_bytes=300 * 1024)

    message = caught.value.message
    assert caught.value.code == "merge_too_big"
    assert "one document of 0.3 MB at most" in message
    assert "of which 0 MB of PDF files" in message
    assert "Send fewer pages" in message


def test_pdfs_that_are_too_big_together_say_so(upload):
    parts = [corpus.pdf(pages=40, text=f"Part {n} " + "x" * 300) for n in range(3)]
    limit = max(len(part) for part in parts) + 1

    with pytest.raises(MergeTooBig) as caught:
        merge_to_pdf(parts, max_bytes=limit)

    assert caught.value.params["pdf_mb"] == sum(len(part) for part in parts)


def test_a_bad_file_among_several_is_named_in_the_error(upload):
    with pytest.raises(TypeNotAllowed) as caught:
        merge_to_pdf([upload("ok.jpg", corpus.image()), upload("virus.pdf", corpus.ELF)])

    assert caught.value.name == "virus.pdf"


def test_a_bad_file_given_as_bytes_is_named_by_its_position():
    with pytest.raises(PdfEncrypted) as caught:
        merge_to_pdf([corpus.pdf(), corpus.encrypted_pdf()])

    assert caught.value.name == "document-2"


def test_no_file_and_too_many_files_are_refused(settings):
    with pytest.raises(NoFiles):
        merge_to_pdf([])

    settings.PIECES_MAX_MERGE_FILES = 2
    with pytest.raises(TooManyFiles) as caught:
        merge_to_pdf([corpus.pdf()] * 3)
    assert "You selected 3 files; at most 2" in caught.value.message
