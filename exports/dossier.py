"""The full dossier of an application as one PDF: the summary (the candidate's PDF copy), then
every document in the catalogue's order — PDFs as they are, images converted to a page each.
A document that is missing, still being checked by the antivirus, damaged or unreadable gets a
page of its own saying so: the dossier is always produced."""

import io
import logging

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from candidatures.copy import copy_pdf
from ecandidat.pdf import html_to_pdf
from pieces.models import PieceStatus
from pieces.selectors import required_pieces

logger = logging.getLogger(__name__)

A4_INCHES = (8.27, 11.69)


def image_to_pdf(data: bytes) -> bytes:
    """One page per image, scaled to fit A4 (Pillow writes the PDF; no page bigger than A4)."""
    Image.MAX_IMAGE_PIXELS = None  # the upload already refused bombs; a stored file is ours
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        rgb = image.convert("RGB")
    width, height = rgb.size
    resolution = max(width / A4_INCHES[0], height / A4_INCHES[1], 72.0)
    out = io.BytesIO()
    rgb.save(out, "PDF", resolution=resolution)
    return out.getvalue()


def _document_pages(piece) -> tuple[PdfReader | None, str]:
    """The reader of one piece's file, or None and why it cannot be included."""
    if piece is None or piece.status in (PieceStatus.MISSING, PieceStatus.NOT_CONCERNED):
        if piece is not None and piece.status == PieceStatus.NOT_CONCERNED:
            return None, _("The candidate declared they are not concerned.")
        return None, _("This document was not sent.")
    if piece.status == PieceStatus.PENDING_SCAN:
        return None, _("This document is still being checked by the antivirus.")
    if not piece.file:
        return None, _("This document was not sent.")
    try:
        with default_storage.open(piece.file.name, "rb") as stored:
            data = stored.read()
    except OSError:
        logger.warning("full dossier: %s cannot be read", piece.file.name)
        return None, _("The stored file of this document cannot be found.")
    try:
        if data.startswith(b"%PDF"):
            reader = PdfReader(io.BytesIO(data))
            if not reader.pages:
                raise PyPdfError("no page")
            return reader, ""
        return PdfReader(io.BytesIO(image_to_pdf(data))), ""
    except (PyPdfError, UnidentifiedImageError, OSError, ValueError) as error:
        logger.warning("full dossier: %s is damaged: %r", piece.file.name, error)
        return None, _("This document's file is damaged and cannot be shown.")


def full_dossier_pdf(candidature, *, language: str) -> bytes:
    with translation.override(language):
        writer = PdfWriter()
        writer.append(PdfReader(io.BytesIO(copy_pdf(candidature, language=language))))
        pieces = {p.piece_type_id: p for p in candidature.pieces.all()}
        parts, problems = [], []
        for requirement in required_pieces(candidature.programme):
            piece = pieces.get(requirement.piece_type_id)
            reader, why = _document_pages(piece)
            if reader is None:
                parts.append(("problem", len(problems)))
                problems.append((requirement.piece_type.label, why, piece))
            else:
                parts.append(("pdf", reader))
        notices = None
        if problems:
            html = render_to_string(
                "exports/pdf/problems.html",
                {"problems": problems, "candidature": candidature, "LANGUAGE_CODE": language},
            )
            notices = PdfReader(io.BytesIO(html_to_pdf(html)))
        for kind, part in parts:
            if kind == "pdf":
                try:
                    writer.append(part)
                except (PyPdfError, ValueError, KeyError) as error:
                    logger.warning("full dossier: a document could not be appended: %r", error)
            else:
                writer.append(notices, pages=(part, part + 1))
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
