"""``check_upload``: from what the browser sent to bytes that are safe to store.

The checks run in this order, cheapest and most telling first, and nothing is stored before the
last one passes: size (from the declared size, then while reading in bounded chunks), emptiness,
type from the magic bytes, agreement of the name's extension, no hidden ZIP, full parse and
rewrite (pypdf for PDFs, Pillow for images).
"""

import hashlib
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from pypdf import PdfReader

from . import images
from .errors import EmptyFile, FileTooBig, UploadRejected
from .names import display_name, split_extension
from .pdf import open_pdf, rebuild
from .sniff import (
    CONTENT_TYPES,
    EXTENSIONS,
    FileKind,
    check_extension,
    detect_kind,
    refuse_polyglot,
)

CHUNK_SIZE = 64 * 1024

# (longest side in pixels, JPEG quality), from "as sent" to "still readable": an A4 page is
# 3508 pixels high at 300 dpi, 1240 at 106 dpi, the least that keeps small print legible.
RENDITIONS = [
    (None, 85),
    (3508, 85),
    (2480, 80),
    (2480, 70),
    (2000, 65),
    (1600, 60),
    (1240, 55),
    (1240, 45),
]


@dataclass(frozen=True)
class CleanFile:
    """What the checks let through: the rewritten bytes, never the original ones."""

    data: bytes = field(repr=False)
    kind: FileKind
    name: str
    pages: int | None = None

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.kind][0]

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def content_file(self) -> ContentFile:
        """For ``FileField.save``: a random stored name, the candidate's name stays data."""
        return ContentFile(self.data, name=secrets.token_hex(16) + self.extension)


@dataclass
class Inspected:
    """A file that passed every check; for PDFs the opened reader, for images the original
    bytes (decoded once already, re-encoded later at the size the caller needs)."""

    data: bytes
    kind: FileKind
    name: str
    reader: PdfReader | None = None
    size: tuple[int, int] | None = None  # images: upright width and height
    reduced: bool = False  # images: too many pixels to decode but at 1/2, 1/4 or 1/8


def upload_limit(max_bytes: int | None) -> int:
    return settings.PIECES_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes


def read_bounded(source, *, max_bytes: int, name: str) -> bytes:
    """The whole content, refused as soon as it is known to pass ``max_bytes``."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > max_bytes:
            raise FileTooBig(name, size_mb=len(data), limit_mb=max_bytes)
        return data
    declared = getattr(source, "size", None)
    if declared is not None and declared > max_bytes:
        raise FileTooBig(name, size_mb=declared, limit_mb=max_bytes)
    if hasattr(source, "seek"):
        source.seek(0)
    parts, total = [], 0
    chunks = (
        source.chunks(CHUNK_SIZE)
        if hasattr(source, "chunks")
        else iter(lambda: source.read(CHUNK_SIZE), b"")
    )
    for chunk in chunks:
        total += len(chunk)
        if total > max_bytes:
            raise FileTooBig(name, size_mb=max(total, declared or 0), limit_mb=max_bytes)
        parts.append(chunk)
    return b"".join(parts)


def inspect(
    source, *, max_bytes: int | None = None, name: str | None = None, max_pixels: int | None = None
) -> Inspected:
    """Every check but the final rewrite. Bytes without a name skip the extension check."""
    raw_name = name if name is not None else getattr(source, "name", None)
    shown = display_name(raw_name)
    data = read_bounded(source, max_bytes=upload_limit(max_bytes), name=shown)
    if not data:
        raise EmptyFile(shown)
    kind = detect_kind(data, name=shown)
    if raw_name is None:
        shown = display_name(None) + EXTENSIONS[kind][0]
    else:
        check_extension(kind, split_extension(shown)[1], name=shown)
    refuse_polyglot(data, name=shown)
    if kind == FileKind.PDF:
        return Inspected(data, kind, shown, reader=open_pdf(data, name=shown))
    limit = pixel_limit(max_pixels)
    size = images.verify_image(data, kind, name=shown, max_pixels=limit)
    reduced = images.decodes_reduced(data, kind, max_pixels=limit)
    return Inspected(data, kind, shown, size=size, reduced=reduced)


def pixel_limit(max_pixels: int | None) -> int:
    return settings.PIECES_MAX_IMAGE_PIXELS if max_pixels is None else max_pixels


def check_upload(
    uploaded_file,
    *,
    max_bytes: int | None = None,
    name: str | None = None,
    max_pixels: int | None = None,
) -> CleanFile:
    """Checks one uploaded file and returns its clean rewrite, or raises an UploadRejected.

    ``uploaded_file`` is a Django ``UploadedFile`` (or any file with ``name``/``read``) or
    bytes; ``max_bytes`` defaults to ``settings.PIECES_MAX_UPLOAD_BYTES``. An image whose
    re-encoding would pass the limit is scaled down until it fits.
    """
    max_bytes = upload_limit(max_bytes)
    item = inspect(uploaded_file, max_bytes=max_bytes, name=name, max_pixels=max_pixels)
    if item.kind == FileKind.PDF:
        data, pages = rebuild([item.reader], name=item.name)
        return CleanFile(data, item.kind, item.name, pages=pages)
    output = "PNG" if item.kind == FileKind.PNG else "JPEG"
    # A photo decoded at a reduced scale is still larger than any page needs: start at A4
    # 300 dpi rather than "as sent" (whose JPEG encoding alone would hold ~160 MB).
    renditions = RENDITIONS[1:] if item.reduced else RENDITIONS
    if output == "PNG":  # lossless: only the size can change
        renditions = [(side, 0) for side in dict.fromkeys(side for side, _ in RENDITIONS)]
    data = b""
    for max_side, quality in renditions:
        data = images.encode_image(
            item.data,
            item.kind,
            name=item.name,
            max_pixels=pixel_limit(max_pixels),
            output=output,
            max_side=max_side,
            quality=quality,
        )
        if len(data) <= max_bytes:
            return CleanFile(data, item.kind, item.name)
    raise FileTooBig(item.name, size_mb=len(data), limit_mb=max_bytes)


__all__ = ["CleanFile", "UploadRejected", "check_upload", "inspect"]
