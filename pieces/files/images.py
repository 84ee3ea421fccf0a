"""Images: decoded once in full to prove they are sound, then re-encoded by Pillow.

Re-encoding drops everything but the pixels: EXIF (GPS position, camera serial), comments,
colour profiles, trailing data. The orientation recorded by the camera is applied to the pixels
first, so a portrait photo stays upright once its EXIF is gone.

The decoder is chosen from the magic bytes (the JPEG or PNG plugin only, never Pillow's guess
among all its formats), and the pixel count is checked from the header before any pixel is
decoded: a 100 000 × 100 000 PNG of a few kilobytes would need gigabytes of memory.
"""

import io
import math
import warnings
from contextlib import contextmanager

from PIL import Image, ImageFile, ImageOps, JpegImagePlugin, PngImagePlugin

from .errors import ImageCorrupt, ImageTooLarge
from .sniff import FileKind

# Pillow's own guard (on by default) must stop the request, not print a warning.
warnings.simplefilter("error", Image.DecompressionBombWarning)

_PLUGINS = {FileKind.JPEG: JpegImagePlugin.JpegImageFile, FileKind.PNG: PngImagePlugin.PngImageFile}
_BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)
A4_INCHES = (8.27, 11.69)


@contextmanager
def _strict_decoding():
    """WeasyPrint (imported by the PDF renderer) turns Pillow's LOAD_TRUNCATED_IMAGES on for
    the whole process; a candidate's truncated photo must still be refused as damaged."""
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _open(
    data: bytes, kind: FileKind, *, name: str, max_pixels: int, smallest: bool = False
) -> ImageFile.ImageFile:
    try:
        image = _PLUGINS[kind](io.BytesIO(data))
    except _BOMB_ERRORS as error:
        raise ImageTooLarge(name, width="?", height="?", limit=max_pixels // 1_000_000) from error
    except Exception as error:  # noqa: BLE001 - any decoder failure is a damaged image
        raise ImageCorrupt(name) from error
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ImageCorrupt(name)
    if width * height > max_pixels and kind == FileKind.JPEG:
        _draft(image, max_pixels=max_pixels, smallest=smallest)
    if image.width * image.height > max_pixels:
        raise ImageTooLarge(name, width=width, height=height, limit=max_pixels // 1_000_000)
    return image


def _draft(image: ImageFile.ImageFile, *, max_pixels: int, smallest: bool = False) -> None:
    """A JPEG from a recent phone (12 000 × 9 000) decodes at 1/2, 1/4 or 1/8 of its size
    straight from the file (libjpeg's scaled decoding: the full bitmap never exists), at the
    largest of those scales that fits ``max_pixels``. Past 1/8 it stays too large, and is
    refused like any other bomb. ``smallest`` decodes at 1/8 whenever a reduction is needed:
    every byte of the file is still parsed (what the soundness check needs), in an eighth of
    the pixels' memory."""
    width, height = image.size
    for scale in (2, 4, 8):
        # libjpeg rounds a scaled side up; draft() picks the scale from the sides rounded down.
        if math.ceil(width / scale) * math.ceil(height / scale) <= max_pixels:
            scale = 8 if smallest else scale
            image.draft(image.mode, (max(1, width // scale), max(1, height // scale)))
            return


def _decode(image: ImageFile.ImageFile, *, name: str, max_side: int | None = None) -> Image.Image:
    """Pixels upright and, when asked, no longer than ``max_side`` on their long side.

    Reduced before being turned upright (turning a 12 Mpx photo costs a full copy); the
    reduction lets libjpeg decode at 1/2, 1/4 or 1/8 scale when it can, and uses a bilinear
    filter, which Pillow antialiases when shrinking: as legible as Lanczos, twice as fast.
    """
    try:
        with _strict_decoding():
            if max_side and max(image.size) > max_side:
                image.thumbnail((max_side, max_side), Image.Resampling.BILINEAR, reducing_gap=2.0)
            else:
                image.load()
        return ImageOps.exif_transpose(image)
    except _BOMB_ERRORS as error:
        raise ImageTooLarge(name, width=image.width, height=image.height, limit="?") from error
    except Exception as error:  # noqa: BLE001 - truncated data, bad chunks, CRC errors...
        raise ImageCorrupt(name) from error


def _flatten(image: Image.Image) -> Image.Image:
    """Greyscale or RGB, transparency painted on white: what JPEG and PDF pages hold."""
    if image.mode in ("L", "RGB"):
        return image
    if image.mode == "1":
        return image.convert("L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _png_mode(image: Image.Image) -> Image.Image:
    if image.mode in ("1", "L", "LA", "RGB", "RGBA"):
        return image
    if image.mode == "P" and "transparency" not in image.info:
        return image
    if image.mode == "P" or "A" in image.getbands():
        return image.convert("RGBA")
    return image.convert("RGB")


def decodes_reduced(data: bytes, kind: FileKind, *, max_pixels: int) -> bool:
    """Whether this (verified) image is only ever decoded at a reduced scale (see _draft)."""
    with _PLUGINS[kind](io.BytesIO(data)) as image:
        return image.width * image.height > max_pixels


def _usable_size(data: bytes, kind: FileKind, *, name: str, max_pixels: int) -> tuple[int, int]:
    with _open(data, kind, name=name, max_pixels=max_pixels) as image:
        return image.size


def verify_image(data: bytes, kind: FileKind, *, name: str, max_pixels: int) -> tuple[int, int]:
    """Decodes every pixel once (the full parse) and reads the EXIF; returns the upright size
    at which the image will be decoded for use."""
    width, height = _usable_size(data, kind, name=name, max_pixels=max_pixels)
    image = _open(data, kind, name=name, max_pixels=max_pixels, smallest=True)
    with image:
        try:
            with _strict_decoding():
                image.load()
            orientation = image.getexif().get(0x0112)
        except _BOMB_ERRORS as error:
            raise ImageTooLarge(name, width=image.width, height=image.height, limit="?") from error
        except Exception as error:  # noqa: BLE001 - truncated data, bad chunks, CRC errors...
            raise ImageCorrupt(name) from error
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def encode_image(
    data: bytes,
    kind: FileKind,
    *,
    name: str,
    max_pixels: int,
    output: str,
    max_side: int | None = None,
    quality: int = 85,
) -> bytes:
    """Re-encodes a verified image as ``output`` ("JPEG", "PNG" or "PDF": one A4-sized page)."""
    image = _open(data, kind, name=name, max_pixels=max_pixels)
    with image:
        pixels = _decode(image, name=name, max_side=max_side)
    converted = _png_mode(pixels) if output == "PNG" else _flatten(pixels)
    # Pillow writes some of ``info`` back on save (JPEG comment, PNG colour profile): empty it.
    converted.info = {}
    buffer = io.BytesIO()
    if output == "PNG":
        converted.save(buffer, "PNG", compress_level=6)
    elif output == "JPEG":
        converted.save(buffer, "JPEG", quality=quality, optimize=True)
    else:
        page = converted
        page_inches = A4_INCHES if page.height >= page.width else A4_INCHES[::-1]
        dpi = max(page.width / page_inches[0], page.height / page_inches[1])
        page.save(buffer, "PDF", resolution=dpi, quality=quality)
    return buffer.getvalue()
