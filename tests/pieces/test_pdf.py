"""PDF rewrite: active content goes, what the page shows stays."""

import io

import pytest
from pypdf import PdfReader

from pieces.files import PdfTooComplex, PdfUnreadable, check_upload, merge_to_pdf
from pieces.files.pdf import UNSAFE_KEYS

from . import corpus


def _walk(data: bytes) -> tuple[set[str], set[str]]:
    """Every key and every string of every object the file holds, parsed (not grepped)."""
    reader = PdfReader(io.BytesIO(data))
    seen, stack, keys, strings = set(), [reader.trailer], set(), set()
    while stack:
        item = stack.pop()
        if hasattr(item, "idnum"):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            item = item.get_object()
        if isinstance(item, dict):
            keys.update(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            strings.add(str(item))
    return keys, strings


def _all_names(data: bytes) -> set[str]:
    return _walk(data)[0]


def _all_strings(data: bytes) -> set[str]:
    return _walk(data)[1]


def test_the_corpus_file_really_carries_active_content():
    data = corpus.pdf_with_active_content()

    for name in corpus.FORBIDDEN_PDF_NAMES:
        assert name in data


def test_a_pdf_with_javascript_is_accepted_only_once_rewritten_clean(upload):
    clean = check_upload(upload("attestation.pdf", corpus.pdf_with_active_content()))

    for name in corpus.FORBIDDEN_PDF_NAMES:
        assert name not in clean.data
    assert b"app.alert" not in clean.data
    assert b"MZ not really" not in clean.data
    assert b"evil()" not in clean.data
    assert not _all_names(clean.data) & UNSAFE_KEYS
    reader = PdfReader(io.BytesIO(clean.data))
    assert "Attestation" in reader.pages[0].extract_text()


def test_a_filled_in_form_field_stays_visible_drawn_into_the_page(upload):
    clean = check_upload(upload("formulaire.pdf", corpus.pdf_with_active_content()))

    page = PdfReader(io.BytesIO(clean.data)).pages[0]
    content = page.get_contents().get_data()
    # The widget's appearance (a blue box) is placed at its /Rect: x 100, y 500.
    assert b"100.000000 500.000000 cm" in content
    forms = page["/Resources"]["/XObject"]
    appearance = next(iter(forms.values())).get_object()
    assert appearance.get_data() == b"0 0 1 rg 0 0 200 20 re f"


def test_hidden_annotations_are_not_drawn(upload):
    data = corpus.pdf_with_active_content().replace(b"/Subtype /Widget", b"/F 2 /Subtype /Widget")

    clean = check_upload(upload("formulaire.pdf", data))

    assert (
        b" cm /PiecesAnnot"
        not in PdfReader(io.BytesIO(clean.data)).pages[0].get_contents().get_data()
    )


@pytest.mark.parametrize("kept", [0.1, 0.3, 0.5, 0.7, 0.9, 0.97])
def test_a_truncated_pdf_is_refused_wherever_it_was_cut(kept):
    whole = corpus.pdf(pages=3)

    with pytest.raises(PdfUnreadable):
        check_upload(whole[: int(len(whole) * kept)], name="releve.pdf")


def test_a_multi_page_pdf_keeps_its_pages_in_order(upload):
    clean = check_upload(upload("notes.pdf", corpus.pdf(pages=5, text="Semestre")))

    reader = PdfReader(io.BytesIO(clean.data))
    assert [page.extract_text() for page in reader.pages] == [f"Semestre {n}" for n in range(1, 6)]


def test_a_pdf_whose_contents_inflate_to_gigabytes_is_refused_early(upload):
    data = corpus.pdf_content_bomb(pages=40)
    assert len(data) < 3 * corpus.MB

    with pytest.raises(PdfTooComplex) as caught:
        check_upload(upload("bomb.pdf", data))

    assert "too much data once uncompressed" in caught.value.message


def test_a_single_inflated_page_within_the_budget_is_accepted(upload):
    clean = check_upload(
        upload("heavy.pdf", corpus.pdf_content_bomb(pages=1, inflated=20 * corpus.MB))
    )

    assert clean.pages == 1


def test_too_many_pages_are_refused_alone_and_merged(upload, settings):
    settings.PIECES_MAX_PDF_PAGES = 3

    with pytest.raises(PdfTooComplex) as caught:
        check_upload(upload("thesis.pdf", corpus.pdf(pages=4)))
    assert "at most 3" in caught.value.message
    with pytest.raises(PdfTooComplex):
        merge_to_pdf([corpus.pdf(pages=2), corpus.pdf(pages=2)])


def test_actions_hidden_under_presentation_steps_and_piece_info_are_removed(upload):
    data = corpus.pdf_with_hidden_actions()
    for name in (b"/GoToR", b"/PresSteps", b"/PieceInfo", b"/Launch"):
        assert name in data
    assert any("evil" in text for text in _all_strings(data))

    clean = check_upload(upload("releve.pdf", data))

    for name in (b"/GoToR", b"/PresSteps", b"/PieceInfo", b"/Launch"):
        assert name not in clean.data
    assert not _all_names(clean.data) & UNSAFE_KEYS
    assert not [t for t in _all_strings(clean.data) if "evil" in t or "cmd" in t]
    assert "Releve" in PdfReader(io.BytesIO(clean.data)).pages[0].extract_text()
