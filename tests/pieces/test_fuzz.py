"""Whatever the bytes, check_upload either returns a clean file or raises an UploadRejected."""

import io
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from pieces.files import CleanFile, UploadRejected, check_upload, merge_to_pdf
from pieces.files.sniff import JPEG_MAGIC, PDF_MAGIC, PNG_MAGIC

from . import corpus

EXTENSIONS = [".pdf", ".PDF", ".jpg", ".jpeg", ".JPG", ".png", ".Png"]
SEEDS = {
    "pdf": corpus.pdf(pages=2),
    "active": corpus.pdf_with_active_content(),
    "jpeg": corpus.image("JPEG", size=(64, 48)),
    "png": corpus.image("PNG", size=(64, 48), mode="RGBA", color=(1, 2, 3, 4)),
}
FUZZ = settings(
    max_examples=int(os.environ.get("PIECES_FUZZ_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _check(name: str, data: bytes):
    try:
        result = check_upload(data, name=name)
    except UploadRejected as error:
        assert error.code and error.message  # a message the page can show
        return None
    assert isinstance(result, CleanFile)
    return result


@FUZZ
@given(extension=st.sampled_from(EXTENSIONS), data=st.binary(max_size=4096))
def test_random_bytes_are_only_ever_refused_cleanly(extension, data):
    _check("random" + extension, data)


@FUZZ
@given(
    extension=st.sampled_from(EXTENSIONS),
    magic=st.sampled_from([PDF_MAGIC, JPEG_MAGIC, PNG_MAGIC]),
    data=st.binary(max_size=4096),
)
def test_random_bytes_behind_a_real_magic_reach_the_parsers_and_are_refused_cleanly(
    extension, magic, data
):
    _check("magic" + extension, magic + data)


@FUZZ
@given(
    seed=st.sampled_from(sorted(SEEDS)),
    edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.floats(0.2, 1.0),
)
def test_damaged_real_files_are_refused_or_come_out_clean(seed, edits, cut):
    data = bytearray(SEEDS[seed])
    for where, value in edits:
        data[min(int(where * len(data)), len(data) - 1)] = value
    data = bytes(data[: max(8, int(len(data) * cut))])
    name = {"pdf": "a.pdf", "active": "a.pdf", "jpeg": "a.jpg", "png": "a.png"}[seed]

    result = _check(name, data)

    if result is not None and result.kind == "pdf":
        for forbidden in corpus.FORBIDDEN_PDF_NAMES:
            assert forbidden not in result.data
    elif result is not None:
        with Image.open(io.BytesIO(result.data)) as picture:
            picture.load()


@pytest.mark.parametrize("name", ["a.pdf", "a.jpg", "a.png"])
def test_the_seeds_themselves_pass(name):
    seed = {"a.pdf": "pdf", "a.jpg": "jpeg", "a.png": "png"}[name]
    assert _check(name, SEEDS[seed]) is not None


@settings(max_examples=30, deadline=None)
@given(
    parts=st.lists(
        st.one_of(
            st.sampled_from(sorted(SEEDS)).map(SEEDS.get),
            st.binary(max_size=512),
            st.sampled_from([PDF_MAGIC, JPEG_MAGIC, PNG_MAGIC]).flatmap(
                lambda magic: st.binary(max_size=512).map(lambda tail: magic + tail)
            ),
        ),
        max_size=4,
    )
)
def test_merging_anything_gives_a_clean_pdf_or_a_refusal(parts):
    try:
        result = merge_to_pdf(parts)
    except UploadRejected as error:
        assert error.message
        return
    assert result.kind == "pdf" and result.pages >= len(parts)
    for forbidden in corpus.FORBIDDEN_PDF_NAMES:
        assert forbidden not in result.data
