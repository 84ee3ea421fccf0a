"""The original file name, kept as data for display only (storage uses a random name).

A name comes from the candidate's browser: it may carry a path, control or bidirectional
characters (U+202E makes "cod.exe" read "exe.doc"), hundreds of characters or nothing at all.
"""

import posixpath
import unicodedata

MAX_NAME_LENGTH = 120
MAX_EXTENSION_LENGTH = 10
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def split_extension(name: str) -> tuple[str, str]:
    """("report", ".pdf") for "report.pdf"; a leading-dot or over-long suffix is no extension."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) + 1 > MAX_EXTENSION_LENGTH or not suffix:
        return name, ""
    return stem, "." + suffix


def display_name(raw: str | None, *, default: str = "document") -> str:
    """A safe, bounded version of the name the candidate gave, extension kept."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = posixpath.basename(name.replace("\\", "/"))
    name = "".join(
        " " if char.isspace() else char
        for char in name
        if unicodedata.category(char) not in _DROPPED_CATEGORIES or char.isspace()
    )
    name = " ".join(name.split()).strip(" .")
    stem, extension = split_extension(name)
    stem = stem.strip(" .")
    if not stem:
        stem = default
    stem = stem[: MAX_NAME_LENGTH - len(extension)].rstrip(" .") or default
    return stem + extension
