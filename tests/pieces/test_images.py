"""Image re-encoding: modes, sizes and the limit."""

import io

import pytest
from PIL import Image

from pieces.files import FileKind, FileTooBig, ImageTooLarge, check_upload

from . import corpus


@pytest.mark.parametrize(
    ("mode", "colour", "fmt", "name", "expected_mode"),
    [
        ("CMYK", (0, 255, 255, 0), "JPEG", "a.jpg", "RGB"),
        ("L", 128, "JPEG", "a.jpg", "L"),
        ("1", 1, "PNG", "a.png", "1"),
        ("LA", (10, 20), "PNG", "a.png", "LA"),
        ("I;16", 40000, "PNG", "a.png", "RGB"),
        ("RGBA", (255, 0, 0, 128), "PNG", "a.png", "RGBA"),
    ],
)
def test_every_common_mode_comes_out_in_a_mode_its_format_holds(
    upload, mode, colour, fmt, name, expected_mode
):
    clean = check_upload(upload(name, corpus.image(fmt, size=(40, 30), mode=mode, color=colour)))

    with Image.open(io.BytesIO(clean.data)) as picture:
        assert picture.mode == expected_mode
        assert picture.size == (40, 30)


def test_a_progressive_jpeg_with_icc_and_comment_loses_them(upload):
    original = corpus.image(
        size=(120, 90), progressive=True, comment=b"personal note", icc_profile=b"\0" * 200
    )
    assert b"personal note" in original

    clean = check_upload(upload("a.jpeg", original))

    assert b"personal note" not in clean.data
    with Image.open(io.BytesIO(clean.data)) as picture:
        assert "icc_profile" not in picture.info
        assert "comment" not in picture.info


def test_a_png_loses_its_text_chunks_and_colour_profile(upload):
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Camille Martin, 12 rue des Lilas")
    original = corpus.image("PNG", size=(30, 30), pnginfo=text, icc_profile=b"\1" * 300)
    assert b"Camille Martin" in original

    clean = check_upload(upload("a.png", original))

    assert b"Camille Martin" not in clean.data
    assert b"iCCP" not in clean.data


def test_a_photo_whose_re_encoding_passes_the_limit_is_scaled_down_to_fit(upload):
    original = corpus.photo((2600, 1950), quality=70)
    limit = len(original)  # the re-encoding at quality 85 weighs more than the original

    clean = check_upload(upload("photo.jpg", original), max_bytes=limit)

    assert clean.kind == FileKind.JPEG
    assert clean.size <= limit
    with Image.open(io.BytesIO(clean.data)) as picture:
        assert max(picture.size) < 2600


def test_a_png_that_can_not_fit_even_scaled_down_is_refused(upload):
    noise = Image.effect_noise((1400, 1400), 120).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "PNG", compress_level=9)
    data = buffer.getvalue()

    with pytest.raises(FileTooBig):
        check_upload(upload("noise.png", data), max_bytes=len(data) // 3 + len(data) // 3)


def test_the_png_bomb_is_a_few_kilobytes_and_refused_from_its_header(upload):
    bomb = corpus.png_bomb()
    assert len(bomb) < 4 * 1024

    with pytest.raises(ImageTooLarge) as caught:
        check_upload(upload("bomb.png", bomb))

    assert caught.value.params["width"] == caught.value.params["height"] == 100_000
