"""``merge_to_pdf``: several photos and PDFs for one document, combined into one PDF.

Candidates photograph a document page by page with their phone; twelve-megapixel photos weigh
2 to 5 MB each, so ten of them never fit the limit as they are. Photos become A4-sized PDF pages
and are reduced step by step (dimensions, then JPEG quality, see ``MERGE_RENDITIONS``) until the
whole document fits, down to a size that stays readable; PDFs are kept as they are (only
rewritten clean), so when they alone are too big the error says so.
"""

import io

from django.conf import settings
from pypdf import PdfReader

from . import images
from .checks import RENDITIONS, CleanFile, inspect, pixel_limit, upload_limit
from .errors import MergeTooBig, NoFiles, PdfTooComplex, TooManyFiles, UploadRejected
from .names import display_name, split_extension
from .pdf import rebuild
from .sniff import FileKind


def merge_to_pdf(
    files: list,
    *,
    max_bytes: int | None = None,
    name: str | None = None,
    max_files: int | None = None,
    max_pixels: int | None = None,
) -> CleanFile:
    """Checks each file like ``check_upload`` (each within ``max_bytes``), then merges them in
    order into one clean PDF of at most ``max_bytes``.

    ``files`` holds ``UploadedFile`` objects or bytes. A refused file raises its own
    ``UploadRejected`` with ``name`` set, so the view can say which one is at fault.
    """
    max_bytes = upload_limit(max_bytes)
    max_files = settings.PIECES_MAX_MERGE_FILES if max_files is None else max_files
    if not files:
        raise NoFiles()
    if len(files) > max_files:
        raise TooManyFiles(count=len(files), limit=max_files)
    items = []
    for number, source in enumerate(files, start=1):
        label = None
        if isinstance(source, bytes | bytearray | memoryview):
            label = f"document-{number}"
        try:
            items.append(inspect(source, max_bytes=max_bytes, max_pixels=max_pixels))
        except UploadRejected as error:
            if label:
                error.name = label
            raise
    shown = display_name(name or split_extension(items[0].name)[0] + ".pdf")
    pages = sum(len(item.reader.pages) if item.reader else 1 for item in items)
    if pages > settings.PIECES_MAX_PDF_PAGES:
        raise PdfTooComplex(shown, max_pages=settings.PIECES_MAX_PDF_PAGES)
    pdf_bytes = sum(item.length for item in items if item.kind == FileKind.PDF)
    has_images = any(item.kind != FileKind.PDF for item in items)
    smallest = None
    # Before any encoding, the photos as sent stand for the first step (re-encoding a phone's
    # quality 90-95 JPEG at 85 takes off about a third): hopeless steps are skipped at once.
    sent = sum(item.length for item in items if item.kind != FileKind.PDF)
    step = _next_step(-1, items, image_bytes=int(sent * 0.7), budget=max_bytes - pdf_bytes)
    while step < len(MERGE_RENDITIONS):
        max_side, quality = MERGE_RENDITIONS[step]
        last = step == len(MERGE_RENDITIONS) - 1 or not has_images
        readers, estimate = [], pdf_bytes
        for item in items:
            if item.kind == FileKind.PDF:
                readers.append(item.reader)
                continue
            page = images.encode_image(
                item.data,
                item.kind,
                name=item.name,
                max_pixels=pixel_limit(max_pixels),
                output="PDF",
                max_side=max_side,
                quality=quality,
            )
            estimate += len(page)
            readers.append(PdfReader(io.BytesIO(page)))
        if estimate <= max_bytes or last:
            file, size, pages = rebuild(readers, name=shown)
            if size <= max_bytes:
                return CleanFile(file, FileKind.PDF, shown, pages=pages, size=size)
            file.close()
            smallest = size
            if last:
                break
        step = _next_step(
            step, items, image_bytes=estimate - pdf_bytes, budget=max_bytes - pdf_bytes
        )
    raise MergeTooBig(shown, limit_mb=max_bytes, size_mb=smallest, pdf_mb=pdf_bytes)


# A page needs no more than A4 at 300 dpi: the "as sent" step is for single images only.
MERGE_RENDITIONS = [rendition for rendition in RENDITIONS if rendition[0]]

# Weight of a JPEG by quality, relative to quality 85 at the same size. On the optimistic side
# (real photos shrink a little less): a jump may land one step short and take another step,
# but never skips a step that would have fitted with a better picture.
_QUALITY_WEIGHT = {85: 1.0, 80: 0.8, 70: 0.55, 65: 0.47, 60: 0.4, 55: 0.35, 45: 0.27}


def _weight(step: int, items) -> float:
    """Expected bytes of the photos at a step, up to a constant: pixels × quality weight.

    Step -1 is the photos as sent (full size, counted as quality 85)."""
    max_side, quality = MERGE_RENDITIONS[step] if step >= 0 else (None, 85)
    pixels = 0.0
    for item in items:
        if item.size is None:
            continue
        width, height = item.size
        ratio = min(1.0, max_side / max(width, height)) if max_side else 1.0
        pixels += width * height * ratio * ratio
    return pixels * _QUALITY_WEIGHT[quality]


def _next_step(step: int, items, *, image_bytes: int, budget: int) -> int:
    """Skips the steps that cannot fit by far, judged from the bytes the last one produced.

    Each step costs a decode and an encode of every photo (a few seconds for ten), so
    trying them all in turn when the photos are three times too big is wasted time.
    """
    current = _weight(step, items) or 1.0
    for candidate in range(step + 1, len(MERGE_RENDITIONS)):
        if image_bytes * _weight(candidate, items) / current <= budget:
            return candidate
    return len(MERGE_RENDITIONS) - 1
