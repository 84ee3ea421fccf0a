"""What a file really is, from its first bytes, and whether its name agrees.

The declared content type and the name are the candidate's (or an attacker's) words; only the
magic bytes decide. Files that are not allowed are still recognised when they are common, so
the message can tell the candidate what to do (an iPhone HEIC photo, a Word document...).
"""

import io
import zipfile

from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import ExtensionMismatch, ExtensionMissing, PolyglotFile, TypeNotAllowed


class FileKind(models.TextChoices):
    PDF = "pdf", _("PDF document")
    JPEG = "jpeg", _("JPEG image")
    PNG = "png", _("PNG image")


CONTENT_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.JPEG: "image/jpeg",
    FileKind.PNG: "image/png",
}
EXTENSIONS = {
    FileKind.PDF: (".pdf",),
    FileKind.JPEG: (".jpg", ".jpeg"),
    FileKind.PNG: (".png",),
}

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

_CONVERT_TO_PDF = _("Export or print it to PDF (“Save as PDF”) and send the PDF file.")
_CONVERT_IMAGE = _("Save it as JPEG or PNG (or take a screenshot) and send that file.")
_SEND_DOCUMENT = _("Send the document itself as a PDF, JPEG or PNG file.")

# (magic at offset 0, what it is, advice); checked in order, first match wins.
_KNOWN = [
    (b"\x7fELF", _("a program (executable)"), _SEND_DOCUMENT),
    (b"MZ", _("a program (executable)"), _SEND_DOCUMENT),
    (b"\xcf\xfa\xed\xfe", _("a program (executable)"), _SEND_DOCUMENT),
    (b"\xfe\xed\xfa\xcf", _("a program (executable)"), _SEND_DOCUMENT),
    (b"\xca\xfe\xba\xbe", _("a program (executable)"), _SEND_DOCUMENT),
    (b"#!", _("a script"), _SEND_DOCUMENT),
    (b"PK\x03\x04", _("a ZIP archive or an office document"), _CONVERT_TO_PDF),
    (b"PK\x05\x06", _("a ZIP archive"), _SEND_DOCUMENT),
    (b"Rar!", _("a RAR archive"), _SEND_DOCUMENT),
    (b"7z\xbc\xaf\x27\x1c", _("a 7-Zip archive"), _SEND_DOCUMENT),
    (b"\x1f\x8b", _("a compressed archive"), _SEND_DOCUMENT),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", _("an old-format office document"), _CONVERT_TO_PDF),
    (b"{\\rtf", _("a rich-text document"), _CONVERT_TO_PDF),
    (b"GIF8", _("a GIF image"), _CONVERT_IMAGE),
    (b"BM", _("a BMP image"), _CONVERT_IMAGE),
    (b"II*\x00", _("a TIFF image"), _CONVERT_IMAGE),
    (b"MM\x00*", _("a TIFF image"), _CONVERT_IMAGE),
    (b"%!PS", _("a PostScript file"), _CONVERT_TO_PDF),
]


def _looks_like(head: bytes):
    """(what, advice) for a content that is not allowed."""
    for magic, what, advice in _KNOWN:
        if head.startswith(magic):
            return what, advice
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"hevc", b"heim", b"heis", b"avif"):
            return _("a HEIC photo (iPhone format)"), _(
                "On the iPhone, choose Settings › Camera › Formats › “Most Compatible”, or "
                "export the photo as JPEG, and send it again."
            )
        return _("a video"), _SEND_DOCUMENT
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return _("a WebP image"), _CONVERT_IMAGE
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        return _("a web page (HTML)"), _CONVERT_TO_PDF
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return _("an SVG drawing"), _CONVERT_IMAGE
    if text.startswith(b"<"):
        return _("an XML or HTML text file"), _CONVERT_TO_PDF
    return _("of an unknown type"), _SEND_DOCUMENT


def detect_kind(data: bytes, *, name: str = "") -> FileKind:
    """The kind from the magic bytes, or TypeNotAllowed saying what the file looks like."""
    if data.startswith(PDF_MAGIC):
        return FileKind.PDF
    if data.startswith(JPEG_MAGIC):
        return FileKind.JPEG
    if data.startswith(PNG_MAGIC):
        return FileKind.PNG
    what, advice = _looks_like(data[:512])
    raise TypeNotAllowed(name, what=what, advice=advice)


def check_extension(kind: FileKind, extension: str, *, name: str = "") -> None:
    """The name must end with an extension of the detected kind (case does not matter)."""
    if extension.lower() in EXTENSIONS[kind]:
        return
    expected = " / ".join(EXTENSIONS[kind])
    if not extension:
        raise ExtensionMissing(name, kind=kind.label, expected=expected)
    raise ExtensionMismatch(name, kind=kind.label, extension=extension, expected=expected)


def refuse_polyglot(data, *, name: str = "") -> None:
    """A PDF or image (bytes or a seekable binary file) that a ZIP tool would also open is
    refused.

    Such polyglots carry a second payload past the checks (a viewer shows the document, an
    unzip tool extracts something else). The rewrite would drop the payload anyway, but a
    genuine scan or photo never contains one, so refusing costs nothing and keeps the original
    out of any later step that might read it before the rewrite. The central directory is
    opened the way unzip tools do it (from the end record's offsets), so stray "PK" bytes inside
    compressed streams are not enough to trigger it.
    """
    file = io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data
    try:
        with zipfile.ZipFile(file) as archive:  # a file passed in stays open
            is_zip = bool(archive.infolist())
    except Exception:  # noqa: BLE001 - any parse failure means "not a ZIP"
        is_zip = False
    finally:
        file.seek(0)
    if is_zip:
        raise PolyglotFile(name)
