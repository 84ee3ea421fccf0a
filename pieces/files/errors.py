"""Why an uploaded file is refused: one exception per reason, each with a stable ``code`` (for
logs, tests and a future model field) and a message the candidate can act on.

The message is translated when it is read, not when the error is raised, so a view shows it in
the language of the page even if the check ran elsewhere.
"""

import math

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024


def megabytes(size: int, *, up: bool = False) -> str:
    """A size in MB for people: "5", "5,2" in French (one decimal only when it says something).

    ``up`` rounds up, so a file of 5 MB and 1 byte reads "5,1 MB", not "5 MB" like its limit.
    """
    value = math.ceil(size * 10 / MB) / 10 if up else round(size / MB, 1)
    if value == int(value):
        return number_format(int(value))
    return number_format(value, decimal_pos=1)


class UploadRejected(Exception):
    """Base of every refusal. ``name`` is the display name of the file concerned, when known."""

    code = "rejected"
    template = _("This file cannot be accepted.")

    def __init__(self, name: str = "", **params):
        self.name = name
        self.params = params
        super().__init__(self.code)

    @property
    def message(self) -> str:
        params = {
            key: megabytes(value, up=key == "size_mb") if key.endswith("_mb") else value
            for key, value in self.params.items()
        }
        return gettext(self.template) % params if params else gettext(self.template)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class FileTooBig(UploadRejected):
    code = "too_big"
    template = _(
        "This file is too big (%(size_mb)s MB): the limit is %(limit_mb)s MB. Compress it and "
        "try again: scan at 150 dpi in greyscale, export the PDF with a reduced size, or send a "
        "photo in a lower resolution."
    )


class FileOverLimit(FileTooBig):
    """Refused while it was arriving, before its end: its size is unknown, only that it passes
    the limit (saying "5.1 MB" of a 7.9 MB file would send the candidate the wrong way)."""

    template = _(
        "This file is larger than %(limit_mb)s MB, the limit. Compress it and try again: scan "
        "at 150 dpi in greyscale, export the PDF with a reduced size, or send a photo in a lower "
        "resolution."
    )


class FileAboutTooBig(FileTooBig):
    """Refused while it was arriving; its size is estimated from the request's length."""

    template = _(
        "This file is too big (about %(estimate_mb)s MB): the limit is %(limit_mb)s MB. Compress it "
        "and try again: scan at 150 dpi in greyscale, export the PDF with a reduced size, or "
        "send a photo in a lower resolution."
    )


class EmptyFile(UploadRejected):
    code = "empty"
    template = _(
        "This file is empty (0 bytes). Choose the file again; if it persists, save it again from the application that made it."
    )


class TypeNotAllowed(UploadRejected):
    """The content is not a PDF, JPEG or PNG; ``params['what']`` says what it looks like."""

    code = "type_not_allowed"
    template = _("This file is %(what)s, not a PDF, JPEG or PNG file. %(advice)s")


class ExtensionMismatch(UploadRejected):
    code = "extension_mismatch"
    template = _(
        "This file is a %(kind)s but its name ends in “%(extension)s”. Rename it so that it ends "
        "in %(expected)s (or export it again in the right format) and try again."
    )


class ExtensionMissing(ExtensionMismatch):
    template = _(
        "This file is a %(kind)s but its name has no extension. Rename it so that it ends in "
        "%(expected)s and try again."
    )


class PolyglotFile(UploadRejected):
    code = "polyglot"
    template = _(
        "This file also contains a hidden ZIP archive, which is not allowed. Export or print the "
        "document again to a new PDF, JPEG or PNG file and send that one."
    )


class PdfUnreadable(UploadRejected):
    code = "pdf_unreadable"
    template = _(
        "This PDF file is damaged or incomplete and cannot be read. Open it on your computer to "
        "check it, then save or print it again to a new PDF file and send that one."
    )


class PdfEncrypted(UploadRejected):
    code = "pdf_encrypted"
    template = _(
        "This PDF file is protected by a password, so it cannot be read by the people who "
        "will review your application. Open it, then use “Print” and choose “Save as PDF” (or "
        "remove the password in your PDF reader) and send the new file."
    )


class PdfTooComplex(UploadRejected):
    code = "pdf_too_complex"
    template = _(
        "This PDF file is too large to be checked: too many pages (at most %(max_pages)s) or "
        "too much data once uncompressed. Keep only the pages asked for, print them to a new "
        "PDF file (“Print”, then “Save as PDF”) and send that one."
    )

    def __init__(self, name: str = "", **params):
        params.setdefault("max_pages", settings.PIECES_MAX_PDF_PAGES)
        super().__init__(name, **params)


class ImageTooLarge(UploadRejected):
    code = "image_too_large"
    template = _(
        "This image is too large (%(width)s × %(height)s pixels; at most %(limit)s million pixels "
        "are accepted). Reduce its dimensions in a photo editor and try again."
    )


class ImageCorrupt(UploadRejected):
    code = "image_corrupt"
    template = _(
        "This image is damaged or incomplete and cannot be read. Open it on your device to check "
        "it, then save it again as JPEG or PNG, or take the photo again."
    )


class TooManyFiles(UploadRejected):
    code = "too_many_files"
    template = _(
        "You selected %(count)s files; at most %(limit)s can be combined into one document."
    )


class NoFiles(UploadRejected):
    code = "no_files"
    template = _("Choose at least one file.")


class MergeTooBig(UploadRejected):
    code = "merge_too_big"
    template = _(
        "These files cannot be combined into one document of %(limit_mb)s MB at most, even "
        "after reducing the photos as far as they stay readable (the smallest result weighs "
        "%(size_mb)s MB, of which %(pdf_mb)s MB of PDF files). Send fewer pages, or compress "
        "the PDF files (scan at 150 dpi in greyscale) and try again."
    )
