"""A 5 MB upload is checked and rewritten without holding it whole in memory: the upload is
read where Django wrote it (a temporary file past FILE_UPLOAD_MAX_MEMORY_SIZE), the rewritten
PDF goes to a temporary file, and the antivirus and the storage read that file in chunks."""

import tracemalloc

import pytest
from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile

from bench.locustfile_pdf import pdf
from pieces.files import check_upload

SIZE = int(4.9 * 1024 * 1024)


@pytest.fixture
def uploaded():
    data = pdf(SIZE)  # one page, a stream of noise like a scan's image
    file = TemporaryUploadedFile("scan.pdf", "application/pdf", len(data), None)
    file.write(data)
    file.seek(0)
    del data
    yield file
    file.close()


def test_a_5_mb_upload_is_written_to_disk_by_django():
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE < settings.PIECES_MAX_UPLOAD_BYTES


def test_checking_a_5_mb_pdf_holds_about_one_copy_of_it(uploaded):
    """pypdf's parsed stream is the one copy left (it was four: the upload read whole, pypdf's,
    the rewrite in a BytesIO and its getvalue())."""
    tracemalloc.start()
    try:
        clean = check_upload(uploaded)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < SIZE * 1.5, f"{peak / SIZE:.1f} copies of the upload held at once"
    assert clean.size > SIZE * 0.99 and clean.pages == 1
    assert clean.file.fileno()  # a real (temporary) file
