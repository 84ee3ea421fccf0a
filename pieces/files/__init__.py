"""The file-handling core of documents (pièces justificatives): check, clean, merge, scan.

Views call ``check_upload`` (one file) or ``merge_to_pdf`` (several files for one document),
store ``CleanFile.content_file()`` and show ``UploadRejected.message`` when a file is refused.
See docs/pieces.md.
"""

from .checks import CleanFile, check_upload
from .errors import (
    EmptyFile,
    ExtensionMismatch,
    ExtensionMissing,
    FileTooBig,
    ImageCorrupt,
    ImageTooLarge,
    MergeTooBig,
    NoFiles,
    PdfEncrypted,
    PdfTooComplex,
    PdfUnreadable,
    PolyglotFile,
    TooManyFiles,
    TypeNotAllowed,
    UploadRejected,
)
from .merge import merge_to_pdf
from .sniff import FileKind

__all__ = [
    "CleanFile",
    "EmptyFile",
    "ExtensionMismatch",
    "ExtensionMissing",
    "FileKind",
    "FileTooBig",
    "ImageCorrupt",
    "ImageTooLarge",
    "MergeTooBig",
    "NoFiles",
    "PdfEncrypted",
    "PdfTooComplex",
    "PdfUnreadable",
    "PolyglotFile",
    "TooManyFiles",
    "TypeNotAllowed",
    "UploadRejected",
    "check_upload",
    "merge_to_pdf",
]
