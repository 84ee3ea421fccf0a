"""``check_upload``: from what the browser sent to a file that is safe to store.

The checks run in this order, cheapest and most telling first, and nothing is stored before the
last one passes: size (from the declared size, then the file's own), emptiness, type from the
magic bytes, agreement of the name's extension, no hidden ZIP, full parse and rewrite (pypdf
for PDFs, Pillow for images).

A PDF is read where it lies (Django writes an upload over ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a
temporary file) and rewritten to a temporary file: a 5 MB upload is never held whole in
memory, neither as sent nor as rewritten; the antivirus and the storage read the clean file in
chunks. Images are decoded by Pillow anyway, so their bytes are read.
"""

import hashlib
import io
import os
import secrets
from dataclasses import dataclass, field
from typing import BinaryIO

from django.conf import settings
from django.core.files.base import File
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
# What the type is told from (the magic bytes; what a refused file looks like).
HEAD_BYTES = 512

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
    """What the checks let through: the rewritten content, never the original one, in a
    binary file (a temporary file for a rewritten PDF) of ``size`` bytes."""

    file: BinaryIO = field(repr=False)
    kind: FileKind
    name: str
    pages: int | None = None
    size: int = 0

    @classmethod
    def of_bytes(cls, data: bytes, kind: FileKind, name: str, **fields) -> "CleanFile":
        return cls(io.BytesIO(data), kind, name, size=len(data), **fields)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.kind][0]

    def chunks(self):
        self.file.seek(0)
        return iter(lambda: self.file.read(CHUNK_SIZE), b"")

    @property
    def data(self) -> bytes:
        """The whole content in memory (tests, small files): the upload path streams."""
        return b"".join(self.chunks())

    @property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        for chunk in self.chunks():
            digest.update(chunk)
        return digest.hexdigest()

    def __enter__(self) -> "CleanFile":
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()  # a rewritten PDF's temporary file goes now, not when collected

    def content_file(self) -> File:
        """For ``Storage.save``: a random stored name, the candidate's name stays data."""
        self.file.seek(0)
        return File(self.file, name=secrets.token_hex(16) + self.extension)


@dataclass
class Inspected:
    """A file that passed every check: the content (read in place, not copied), and for PDFs
    the opened reader, for images their upright size (decoded once already, re-encoded later
    at the size the caller needs)."""

    file: BinaryIO = field(repr=False)
    length: int
    kind: FileKind
    name: str
    reader: PdfReader | None = None
    size: tuple[int, int] | None = None  # images: upright width and height
    reduced: bool = False  # images: too many pixels to decode but at 1/2, 1/4 or 1/8

    @property
    def data(self) -> bytes:
        self.file.seek(0)
        return self.file.read()


def upload_limit(max_bytes: int | None) -> int:
    return settings.PIECES_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes


def open_bounded(source, *, max_bytes: int, name: str) -> tuple[BinaryIO, int]:
    """A seekable binary file on the content and its length, refused as soon as it is known
    to pass ``max_bytes``. An uploaded file is used where it lies (on disk past
    ``FILE_UPLOAD_MAX_MEMORY_SIZE``); only a source that cannot seek is read, in bounded
    chunks."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > max_bytes:
            raise FileTooBig(name, size_mb=len(data), limit_mb=max_bytes)
        return io.BytesIO(data), len(data)
    declared = getattr(source, "size", None)
    if declared is not None and declared > max_bytes:
        raise FileTooBig(name, size_mb=declared, limit_mb=max_bytes)
    file = getattr(source, "file", source)  # a Django File: its underlying file
    if _seekable(file):
        length = file.seek(0, os.SEEK_END)
        if length > max_bytes:  # the declared size may lie
            raise FileTooBig(name, size_mb=max(length, declared or 0), limit_mb=max_bytes)
        file.seek(0)
        return file, length
    parts, total = [], 0
    for chunk in iter(lambda: file.read(CHUNK_SIZE), b""):
        total += len(chunk)
        if total > max_bytes:
            raise FileTooBig(name, size_mb=max(total, declared or 0), limit_mb=max_bytes)
        parts.append(chunk)
    return io.BytesIO(b"".join(parts)), total


def _seekable(file) -> bool:
    try:
        return file.seekable()
    except (AttributeError, ValueError, OSError):
        return False


def inspect(
    source, *, max_bytes: int | None = None, name: str | None = None, max_pixels: int | None = None
) -> Inspected:
    """Every check but the final rewrite. Bytes without a name skip the extension check."""
    raw_name = name if name is not None else getattr(source, "name", None)
    shown = display_name(raw_name)
    file, length = open_bounded(source, max_bytes=upload_limit(max_bytes), name=shown)
    if not length:
        raise EmptyFile(shown)
    head = file.read(HEAD_BYTES)
    kind = detect_kind(head, name=shown)
    if raw_name is None:
        shown = display_name(None) + EXTENSIONS[kind][0]
    else:
        check_extension(kind, split_extension(shown)[1], name=shown)
    refuse_polyglot(file, name=shown)
    if kind == FileKind.PDF:
        return Inspected(file, length, kind, shown, reader=open_pdf(file, name=shown))
    item = Inspected(file, length, kind, shown)
    data = item.data
    limit = pixel_limit(max_pixels)
    item.size = images.verify_image(data, kind, name=shown, max_pixels=limit)
    item.reduced = images.decodes_reduced(data, kind, max_pixels=limit)
    return item


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
        file, size, pages = rebuild([item.reader], name=item.name)
        return CleanFile(file, item.kind, item.name, pages=pages, size=size)
    output = "PNG" if item.kind == FileKind.PNG else "JPEG"
    original = item.data
    # A photo decoded at a reduced scale is still larger than any page needs: start at A4
    # 300 dpi rather than "as sent" (whose JPEG encoding alone would hold ~160 MB).
    renditions = RENDITIONS[1:] if item.reduced else RENDITIONS
    if output == "PNG":  # lossless: only the size can change
        renditions = [(side, 0) for side in dict.fromkeys(side for side, _ in RENDITIONS)]
    data = b""
    for max_side, quality in renditions:
        data = images.encode_image(
            original,
            item.kind,
            name=item.name,
            max_pixels=pixel_limit(max_pixels),
            output=output,
            max_side=max_side,
            quality=quality,
        )
        if len(data) <= max_bytes:
            return CleanFile.of_bytes(data, item.kind, item.name)
    raise FileTooBig(item.name, size_mb=len(data), limit_mb=max_bytes)


__all__ = ["CleanFile", "UploadRejected", "check_upload", "inspect"]
