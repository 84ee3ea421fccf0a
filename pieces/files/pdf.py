"""PDFs: parsed with pypdf, then rebuilt page by page into a new document that holds only what
a reviewer needs to read it.

What goes: JavaScript, open actions and additional actions, embedded files, XFA and AcroForm
forms, outlines, named trees, and every annotation (links included). Annotations that show
something (filled-in form fields, stamps, handwritten notes) are first drawn into the page from
their appearance stream, so a form the candidate filled in keeps its answers, as pictures.

The rebuilt document starts from a new catalogue, so nothing that hangs off the original one
comes along; a final walk from the new catalogue strips the dangerous keys wherever they hide
and drops the objects nothing points to any more.
"""

import io
import logging
import os
import tempfile
from typing import BinaryIO

from django.conf import settings
from pypdf import PasswordType, PdfReader, PdfWriter
from pypdf.errors import LimitReachedError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

from .errors import PdfEncrypted, PdfTooComplex, PdfUnreadable, UploadRejected

logger = logging.getLogger(__name__)

# Total of all pages' content streams once inflated; far above real documents (see
# _decode_contents).
MAX_DECODED_CONTENT_BYTES = 100 * 1024 * 1024

# Dropped wherever they appear in the rebuilt document.
UNSAFE_KEYS = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/OpenAction",
        "/AA",
        "/A",
        "/Annots",
        "/AcroForm",
        "/XFA",
        "/Names",
        "/EmbeddedFiles",
        "/EF",
        "/URI",
        "/Outlines",
        "/Threads",
        "/B",
        # Presentation steps and private application data: both can hold action dictionaries
        # (a /GoToR to a remote file survived through /PresSteps, another under /PieceInfo).
        "/PresSteps",
        "/PieceInfo",
        "/Next",
    }
)
# Every action type of ISO 32000-2 (12.6.4). An action does nothing for a reviewer reading
# pages (links and forms are gone): any dictionary naming one is emptied, wherever it hangs.
ACTION_TYPES = frozenset(
    {
        "/GoTo",
        "/GoToR",
        "/GoToE",
        "/GoToDp",
        "/Launch",
        "/Thread",
        "/URI",
        "/Sound",
        "/Movie",
        "/Hide",
        "/Named",
        "/SubmitForm",
        "/ResetForm",
        "/ImportData",
        "/JavaScript",
        "/SetOCGState",
        "/Rendition",
        "/Trans",
        "/GoTo3DView",
        "/RichMediaExecute",
    }
)
_HIDDEN_FLAGS = 2 | 32  # annotation flags Hidden and NoView
_INVISIBLE_SUBTYPES = {"/Popup", "/Link", "/Widget-none"}


def _numbers(array, count: int) -> list[float] | None:
    values = array.get_object() if array is not None else None
    if not isinstance(values, ArrayObject) or len(values) != count:
        return None
    return [float(value.get_object()) for value in values]


def _appearance(annotation: DictionaryObject) -> IndirectObject | None:
    """The normal appearance stream of a visible annotation, as a reference."""
    if int(annotation.get("/F", 0)) & _HIDDEN_FLAGS:
        return None
    if annotation.get("/Subtype") in _INVISIBLE_SUBTYPES:
        return None
    appearances = annotation.get("/AP")
    if appearances is None or not isinstance(appearances.get_object(), DictionaryObject):
        return None
    normal = appearances.get_object().get("/N")
    if normal is not None and not isinstance(normal.get_object(), StreamObject):
        # A dictionary of states (check boxes, radio buttons): /AS names the one shown.
        states = normal.get_object()
        normal = states.get(annotation.get("/AS")) if isinstance(states, DictionaryObject) else None
    if not isinstance(normal, IndirectObject) or not isinstance(normal.get_object(), StreamObject):
        return None
    return normal


def _placement(annotation: DictionaryObject, form: StreamObject) -> list[float] | None:
    """The matrix that maps the form's box (after its own /Matrix) onto the annotation's /Rect."""
    rect = _numbers(annotation.get("/Rect"), 4)
    bbox = _numbers(form.get("/BBox"), 4)
    matrix = _numbers(form.get("/Matrix"), 6) or [1, 0, 0, 1, 0, 0]
    if rect is None or bbox is None:
        return None
    a, b, c, d, e, f = matrix
    corners = [(x, y) for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3])]
    xs = [a * x + c * y + e for x, y in corners]
    ys = [b * x + d * y + f for x, y in corners]
    box_w, box_h = max(xs) - min(xs), max(ys) - min(ys)
    left, right = sorted((rect[0], rect[2]))
    bottom, top = sorted((rect[1], rect[3]))
    if box_w <= 0 or box_h <= 0 or right <= left or top <= bottom:
        return None
    sx, sy = (right - left) / box_w, (top - bottom) / box_h
    return [sx, 0, 0, sy, left - sx * min(xs), bottom - sy * min(ys)]


def _flatten_annotations(writer: PdfWriter, page, page_number: int) -> None:
    """Draws the visible annotations of a (writer's) page into its content."""
    annotations = page.get("/Annots")
    annotations = annotations.get_object() if annotations is not None else None
    if not isinstance(annotations, ArrayObject):
        return
    drawing = []
    xobjects = {}
    for index, reference in enumerate(annotations):
        annotation = reference.get_object()
        if not isinstance(annotation, DictionaryObject):
            continue
        form_reference = _appearance(annotation)
        if form_reference is None:
            continue
        form = form_reference.get_object()
        placement = _placement(annotation, form)
        if placement is None:
            continue
        form[NameObject("/Type")] = NameObject("/XObject")
        form[NameObject("/Subtype")] = NameObject("/Form")
        name = f"/PiecesAnnot{page_number}x{index}"
        xobjects[name] = form_reference
        matrix = " ".join(f"{value:.6f}" for value in placement)
        drawing.append(f"q {matrix} cm {name} Do Q")
    if not drawing:
        return
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    page[NameObject("/Resources")] = resources
    existing = resources.get("/XObject")
    existing = existing.get_object() if existing is not None else DictionaryObject()
    for name, form_reference in xobjects.items():
        existing[NameObject(name)] = form_reference
    resources[NameObject("/XObject")] = existing

    def stream(data: bytes) -> IndirectObject:
        obj = DecodedStreamObject()
        obj.set_data(data)
        return writer._add_object(obj)

    contents = page.get("/Contents")
    contents_object = contents.get_object() if contents is not None else None
    if isinstance(contents_object, ArrayObject):
        old = list(contents_object)
    else:
        old = [contents] if isinstance(contents, IndirectObject) else []
    page[NameObject("/Contents")] = ArrayObject(
        [stream(b"q\n"), *old, stream(("\nQ\n" + "\n".join(drawing) + "\n").encode())]
    )


def _scrub(writer: PdfWriter) -> None:
    """Removes unsafe keys everywhere reachable, then every object no longer reachable."""
    reachable: set[int] = set()
    writer._info = None  # the "produced by" entry: nothing the reviewer needs
    stack = [writer.root_object.indirect_reference]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in reachable:
                continue
            reachable.add(item.idnum)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            for key in [key for key in item if key in UNSAFE_KEYS]:
                del item[key]
            # /S also names non-actions (a transparency group, a soft mask, a page label's
            # style): only an action type, or a dictionary typed /Action, is emptied.
            if item.get("/Type") == "/Action" or item.get("/S") in ACTION_TYPES:
                item.clear()
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    for index, obj in enumerate(writer._objects):
        if obj is not None and index + 1 not in reachable:
            writer._objects[index] = None


def _content_streams(page) -> list[StreamObject]:
    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    if isinstance(contents, StreamObject):
        return [contents]
    if isinstance(contents, ArrayObject):
        return [item.get_object() for item in contents]
    return []


def _decode_contents(reader: PdfReader, *, name: str) -> None:
    """Decodes every page's content stream once, within a total budget, keeping none of it.

    A few kilobytes of Flate can inflate to 75 MB (pypdf's cap for one stream), and pypdf
    caches what it decodes: forty such pages would hold 3 GB. The budget stops that early;
    a real 5 MB PDF's page contents inflate to a few tens of MB at most.
    """
    budget = MAX_DECODED_CONTENT_BYTES
    for page in reader.pages:
        if page.mediabox.width <= 0 or page.mediabox.height <= 0:
            raise PdfUnreadable(name)
        for stream in _content_streams(page):
            if not isinstance(stream, StreamObject):
                raise PdfUnreadable(name)
            try:
                budget -= len(stream.get_data())
            except LimitReachedError as error:
                raise PdfTooComplex(name) from error
            finally:
                if hasattr(stream, "decoded_self"):
                    stream.decoded_self = None  # drop pypdf's cached copy
            if budget < 0:
                raise PdfTooComplex(name)


def open_pdf(data, *, name: str, max_pages: int | None = None) -> PdfReader:
    """A reader on a PDF (bytes or a seekable binary file, read in place and kept open until
    the reader is done) that opens without a password, every page parsed and its content
    decoded."""
    max_pages = settings.PIECES_MAX_PDF_PAGES if max_pages is None else max_pages
    file = io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data
    try:
        file.seek(0)
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted:
            # An owner password only restricts printing or copying: the document opens with an
            # empty user password, and the candidate would not know what to remove.
            try:
                opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
            except Exception:  # noqa: BLE001 - unsupported handler: same as a password
                opened = False
            if not opened:
                raise PdfEncrypted(name)
        pages = len(reader.pages)
        if pages == 0:
            raise PdfUnreadable(name)
        if pages > max_pages:
            raise PdfTooComplex(name)
        _decode_contents(reader, name=name)
    except UploadRejected:
        raise
    except Exception as error:  # noqa: BLE001 - pypdf raises many kinds on broken input
        logger.info("unreadable PDF refused: %r", error)
        raise PdfUnreadable(name) from error
    return reader


def rebuild(readers: list[PdfReader], *, name: str) -> tuple[BinaryIO, int, int]:
    """One clean PDF with every page of the readers, in order, written to a temporary file
    (not memory: it is as big as the upload); returns (file, size, page count)."""
    writer = PdfWriter()
    output = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller, closed with it
    try:
        for reader in readers:
            for page in reader.pages:
                added = writer.add_page(
                    page, excluded_keys=("/AA", "/B", "/Tabs", "/PresSteps", "/PieceInfo")
                )
                _flatten_annotations(writer, added, len(writer.pages))
        _scrub(writer)
        writer.write(output)
    except UploadRejected:
        output.close()
        raise
    except Exception as error:  # noqa: BLE001 - broken objects only met while copying
        output.close()
        logger.info("PDF could not be rewritten: %r", error)
        raise PdfUnreadable(name) from error
    size = output.seek(0, os.SEEK_END)
    output.seek(0)
    return output, size, len(writer.pages)
