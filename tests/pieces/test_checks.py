"""check_upload on good files and on a corpus of bad ones, each refused for its own reason."""

import io

import pytest
from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from pieces.files import (
    EmptyFile,
    ExtensionMismatch,
    FileKind,
    FileTooBig,
    ImageCorrupt,
    ImageTooLarge,
    PdfEncrypted,
    PdfUnreadable,
    PolyglotFile,
    TypeNotAllowed,
    check_upload,
)

from . import corpus


def test_a_small_pdf_is_accepted_and_rewritten(upload):
    clean = check_upload(upload("Relevé de notes.pdf", corpus.pdf(pages=2)))

    assert clean.kind == FileKind.PDF
    assert clean.content_type == "application/pdf"
    assert clean.name == "Relevé de notes.pdf"
    assert clean.pages == 2
    reader = PdfReader(io.BytesIO(clean.data))
    assert "Releve de notes 2" in reader.pages[1].extract_text()
    assert b"/Producer" not in clean.data


def test_a_jpeg_is_re_encoded_without_its_exif_and_upright(upload):
    # 300 × 200 stored, EXIF orientation 6 says "turn it a quarter to show it".
    original = corpus.image(size=(300, 200), exif=corpus.exif_with_gps_and_rotation())
    assert b"SpyCam" in original

    clean = check_upload(upload("photo.JPG", original))

    assert clean.kind == FileKind.JPEG
    assert clean.content_type == "image/jpeg"
    assert b"SpyCam" not in clean.data
    assert b"secret-software" not in clean.data
    with Image.open(io.BytesIO(clean.data)) as picture:
        assert picture.size == (200, 300)
        assert not picture.getexif()


def test_a_png_stays_a_lossless_png(upload):
    original = corpus.image("PNG", size=(50, 40), color=(1, 2, 3))

    clean = check_upload(upload("scan.png", original))

    assert clean.kind == FileKind.PNG
    with Image.open(io.BytesIO(clean.data)) as picture:
        assert picture.format == "PNG"
        assert picture.getpixel((10, 10)) == (1, 2, 3)


def test_a_png_with_transparency_and_a_palette_is_kept(upload):
    original = corpus.image("PNG", size=(20, 20), color=0, mode="P", transparency=0)

    clean = check_upload(upload("logo.png", original))

    with Image.open(io.BytesIO(clean.data)) as picture:
        assert picture.mode == "RGBA"
        assert picture.getpixel((5, 5))[3] == 0


def test_bytes_without_a_name_are_accepted_and_named_from_their_type():
    clean = check_upload(corpus.image("PNG", size=(10, 10)))

    assert clean.name == "document.png"


def test_content_file_has_a_random_name_and_the_clean_bytes(upload):
    clean = check_upload(upload("x.pdf", corpus.pdf()))

    first, second = clean.content_file(), clean.content_file()

    assert first.name != second.name
    assert first.name.endswith(".pdf") and len(first.name) == 36
    assert first.read() == clean.data
    assert len(clean.sha256) == 64


@pytest.mark.parametrize(
    ("name", "data", "error", "code", "words"),
    [
        ("cv.pdf", corpus.ELF, TypeNotAllowed, "type_not_allowed", "a program (executable)"),
        ("cv.pdf", b"MZ\x90\x00" + b"\x00" * 60, TypeNotAllowed, "type_not_allowed", "a program"),
        ("cv.pdf", corpus.HTML, TypeNotAllowed, "type_not_allowed", "a web page (HTML)"),
        ("cv.pdf", corpus.SVG, TypeNotAllowed, "type_not_allowed", "an SVG drawing"),
        ("cv.pdf", corpus.zip_archive(), TypeNotAllowed, "type_not_allowed", "a ZIP archive"),
        ("cv.pdf", b"hello, world", TypeNotAllowed, "type_not_allowed", "of an unknown type"),
        (
            "photo.jpg",
            b"\x00\x00\x00\x18ftypheic" + b"\x00" * 40,
            TypeNotAllowed,
            "type_not_allowed",
            "Most Compatible",
        ),
        ("a.gif", b"GIF89a" + b"\x00" * 30, TypeNotAllowed, "type_not_allowed", "a GIF image"),
        ("cv.pdf", corpus.pdf_zip_polyglot(), PolyglotFile, "polyglot", "hidden ZIP archive"),
        ("cv.pdf", corpus.pdf()[:-200], PdfUnreadable, "pdf_unreadable", "damaged or incomplete"),
        ("cv.pdf", b"%PDF-1.7\n" + b"garbage" * 100, PdfUnreadable, "pdf_unreadable", "damaged"),
        ("cv.pdf", corpus.encrypted_pdf(), PdfEncrypted, "pdf_encrypted", "Save as PDF"),
        ("bomb.png", corpus.png_bomb(), ImageTooLarge, "image_too_large", "100000 × 100000"),
        ("cv.pdf", b"", EmptyFile, "empty", "empty (0 bytes)"),
        (
            "photo.png",
            corpus.image("JPEG"),
            ExtensionMismatch,
            "extension_mismatch",
            "ends in “.png”",
        ),
        ("scan.pdf", corpus.image("PNG"), ExtensionMismatch, "extension_mismatch", "in .png"),
        ("document", corpus.pdf(), ExtensionMismatch, "extension_mismatch", "has no extension"),
        ("photo.jpg", corpus.image("JPEG")[:300], ImageCorrupt, "image_corrupt", "damaged"),
        ("photo.png", corpus.image("PNG")[:60], ImageCorrupt, "image_corrupt", "damaged"),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 30 else None,
)
def test_the_bad_files_corpus_is_refused_each_for_its_reason(
    upload, name, data, error, code, words
):
    with pytest.raises(error) as caught:
        check_upload(upload(name, data))

    assert caught.value.code == code
    assert words in caught.value.message


@pytest.mark.parametrize("kind", ["JPEG", "PNG"])
def test_truncated_images_are_refused_even_once_weasyprint_is_loaded(upload, kind):
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process (the PDF copy
    imports it): that once let a truncated photo through when both ran in one worker."""
    from PIL import ImageFile

    import ecandidat.pdf  # noqa: F401 - the import is the point

    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        with pytest.raises(ImageCorrupt):
            check_upload(upload(f"photo.{kind.lower()}", corpus.image(kind)[:300]))
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


class SizeOnly:
    """An upload that can only tell its size: reading it fails the test."""

    name = "big.pdf"

    def __init__(self, size):
        self.size = size

    def chunks(self, *args):
        raise AssertionError("the body was read")

    read = chunks


def test_one_byte_over_the_limit_is_refused_before_reading(settings):
    with pytest.raises(FileTooBig) as caught:
        check_upload(SizeOnly(settings.PIECES_MAX_UPLOAD_BYTES + 1))

    assert caught.value.message.startswith("This file is too big (5.1 MB): the limit is 5 MB.")
    assert "150 dpi" in caught.value.message


def test_exactly_the_limit_is_read(upload, settings):
    data = b"%PDF-" + b"0" * (settings.PIECES_MAX_UPLOAD_BYTES - 5)

    with pytest.raises(PdfUnreadable):  # read in full, then parsed
        check_upload(upload("big.pdf", data))


def test_a_file_that_lies_about_its_size_is_stopped_while_reading(upload):
    uploaded = upload("big.pdf", b"%PDF-" + b"0" * 2000)
    uploaded.size = 10  # what a broken or hostile handler could claim

    with pytest.raises(FileTooBig):
        check_upload(uploaded, max_bytes=1000)


def test_the_limit_comes_from_the_settings(upload, settings):
    settings.PIECES_MAX_UPLOAD_BYTES = 1024 * 1024

    with pytest.raises(FileTooBig) as caught:
        check_upload(upload("a.pdf", b"%PDF-" + b"0" * 1024 * 1024))

    assert "the limit is 1 MB" in caught.value.message


def test_a_pdf_with_only_an_owner_password_opens_and_loses_its_encryption(upload):
    clean = check_upload(upload("releve.pdf", corpus.encrypted_pdf(user_password="")))

    reader = PdfReader(io.BytesIO(clean.data))
    assert not reader.is_encrypted
    assert "Confidentiel" in reader.pages[0].extract_text()


def test_an_image_over_the_pixel_limit_is_refused_before_decoding(upload, settings):
    settings.PIECES_MAX_IMAGE_PIXELS = 1_000_000

    with pytest.raises(ImageTooLarge) as caught:
        check_upload(upload("wide.png", corpus.image("PNG", size=(2000, 600), mode="1", color=1)))

    assert "2000 × 600 pixels; at most 1 million" in caught.value.message


def test_messages_are_in_french_when_the_page_is(upload):
    with pytest.raises(FileTooBig) as caught:
        check_upload(upload("big.pdf", b"%PDF-" + b"0" * 600 * 1024), max_bytes=512 * 1024)

    with translation.override("fr"):
        assert caught.value.message.startswith(
            "Ce fichier est trop volumineux (0,6 Mo) : la limite est de 0,5 Mo."
        )
