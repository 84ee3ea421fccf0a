"""An id of the code a process runs, for what is kept in the shared cache across processes
and deployments (the offer page's listing): a digest of the project's Python modules,
templates and compiled translations, and of Django's version.

A deployment that changes a template, a translation or the code that writes the HTML so gets
new keys, and never serves what the previous release kept, even while the processes of two
releases run side by side (a rolling deployment: each reads its own). Two hosts running the
same image compute the same id, so they share what they keep. Read once per process (about
10 ms for the project's few hundred files)."""

import functools
import hashlib
import os

import django
from django.conf import settings

KINDS = (".py", ".html", ".txt", ".mo")
# Not the code that serves a page: the tests, the benchmark, what is built or installed.
SKIPPED = {".venv", "node_modules", "var", "tests", "bench", "static", "docs", ".git"}


def files(root) -> list[str]:
    """The files the id covers, relative to ``root``, in a stable order."""
    found = []
    for folder, folders, names in os.walk(root):
        folders[:] = sorted(
            name
            for name in folders
            if name not in SKIPPED and not name.startswith(".") and not name.endswith(".egg-info")
        )
        for name in names:
            if name.endswith(KINDS):
                found.append(os.path.relpath(os.path.join(folder, name), root))
    return sorted(found)


def digest(root) -> str:
    hashed = hashlib.blake2b(django.get_version().encode(), digest_size=8)
    for name in files(root):
        hashed.update(b"\0" + name.encode() + b"\0")
        with open(os.path.join(root, name), "rb") as handle:
            hashed.update(handle.read())
    return hashed.hexdigest()


@functools.cache
def release_id() -> str:
    return digest(settings.BASE_DIR)
