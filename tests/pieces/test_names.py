"""The original name is kept for display only: bounded, printable, no path, extension kept."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pieces.files import check_upload
from pieces.files.names import MAX_NAME_LENGTH, display_name

from . import corpus


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Relevé de notes L3.pdf", "Relevé de notes L3.pdf"),
        ("C:\\Users\\camille\\Documents\\cv.pdf", "cv.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("cod\u202efdp.exe", "codfdp.exe"),  # the right-to-left override is gone
        ("line\nbreak\ttab.pdf", "line break tab.pdf"),
        ("nul\x00byte.pdf", "nulbyte.pdf"),
        ("  spaced   out  .pdf ", "spaced out.pdf"),
        (".pdf", "pdf"),
        ("", "document"),
        (None, "document"),
        ("...", "document"),
        ("Releve\u0301.pdf", "Relevé.pdf"),  # decomposed accent, composed for display
    ],
)
def test_odd_names_are_made_safe(raw, shown):
    assert display_name(raw) == shown


def test_a_very_long_name_is_cut_keeping_its_extension():
    shown = display_name("a" * 5000 + ".PDF")

    assert len(shown) == MAX_NAME_LENGTH
    assert shown.endswith("a.PDF")


def test_a_long_name_with_a_long_fake_extension_is_cut_as_a_whole():
    shown = display_name("x" * 300 + "." + "y" * 40)

    assert len(shown) == MAX_NAME_LENGTH


@given(st.text(max_size=600))
def test_any_name_becomes_short_and_printable(raw):
    shown = display_name(raw)

    assert 0 < len(shown) <= MAX_NAME_LENGTH
    assert "/" not in shown and "\\" not in shown
    assert shown.isprintable()


def test_check_upload_keeps_the_safe_name_and_checks_its_extension(upload):
    long_name = "Attestation de réussite " * 20 + ".Pdf"

    clean = check_upload(upload(long_name, corpus.pdf()))

    assert clean.name.endswith(".Pdf") and len(clean.name) <= MAX_NAME_LENGTH


def test_a_name_whose_extension_hides_behind_an_override_is_judged_after_cleaning(upload):
    # Shown as "cv‮fdp.jpg" in some viewers; once cleaned it ends in .jpg, not .pdf.
    with pytest.raises(Exception) as caught:
        check_upload(upload("cv\u202egpj.pdf.jpg", corpus.pdf()))

    assert caught.value.code == "extension_mismatch"
