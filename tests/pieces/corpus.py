"""Files made on the fly for the tests: good documents and a corpus of bad ones.

Nothing binary is committed: every file is generated here, from pypdf, Pillow and zlib.
"""

import io
import struct
import zipfile
import zlib

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

MB = 1024 * 1024
FORBIDDEN_PDF_NAMES = (
    b"/JavaScript",
    b"/JS",
    b"/OpenAction",
    b"/AA",
    b"/EmbeddedFiles",
    b"/Annots",
    b"/XFA",
    b"/AcroForm",
    b"/URI",
)


def _write(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _text_page(writer: PdfWriter, text: str, lines: int = 1):
    """An A4 page with ``text`` once in 24 pt, or ``lines`` lines of it in 9 pt."""
    page = writer.add_blank_page(595, 842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    if lines == 1:
        drawing = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET"
    else:
        drawing = "\n".join(
            f"BT /F1 9 Tf 40 {800 - 11 * n} Td ({text} {n}) Tj ET" for n in range(lines)
        )
    content = DecodedStreamObject()
    content.set_data(drawing.encode("latin-1", "replace"))
    page[NameObject("/Contents")] = writer._add_object(content)
    return page


def pdf(pages: int = 1, text: str = "Releve de notes", lines: int = 1) -> bytes:
    writer = PdfWriter()
    for number in range(pages):
        _text_page(writer, f"{text} {number + 1}", lines)
    return _write(writer)


def _action_js(code: str) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(code),
        }
    )


def pdf_with_active_content() -> bytes:
    """Every way a PDF runs or carries something: JavaScript (open action, names tree, page and
    annotation actions), a link, an embedded file, an XFA form, and a filled-in form field whose
    appearance must survive as part of the page."""
    writer = PdfWriter()
    page = _text_page(writer, "Attestation")
    writer.add_attachment("payload.exe", b"MZ not really a program")
    root = writer.root_object
    root[NameObject("/OpenAction")] = writer._add_object(_action_js("app.alert('open')"))
    names = root["/Names"].get_object()
    names[NameObject("/JavaScript")] = DictionaryObject(
        {
            NameObject("/Names"): ArrayObject(
                [TextStringObject("init"), writer._add_object(_action_js("app.alert('names')"))]
            )
        }
    )
    page[NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): writer._add_object(_action_js("app.alert('page')"))}
    )
    appearance = DecodedStreamObject()
    appearance.set_data(b"0 0 1 rg 0 0 200 20 re f")
    appearance.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                [NumberObject(0), NumberObject(0), NumberObject(200), NumberObject(20)]
            ),
        }
    )
    rect = ArrayObject([FloatObject(100), FloatObject(500), FloatObject(300), FloatObject(520)])
    widget = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Tx"),
                NameObject("/T"): TextStringObject("name"),
                NameObject("/V"): TextStringObject("Camille"),
                NameObject("/Rect"): rect,
                NameObject("/AP"): DictionaryObject(
                    {NameObject("/N"): writer._add_object(appearance)}
                ),
                NameObject("/AA"): DictionaryObject(
                    {NameObject("/K"): writer._add_object(_action_js("app.alert('key')"))}
                ),
            }
        )
    )
    link = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): rect,
                NameObject("/A"): DictionaryObject(
                    {
                        NameObject("/S"): NameObject("/URI"),
                        NameObject("/URI"): TextStringObject("https://example.invalid/"),
                    }
                ),
            }
        )
    )
    page[NameObject("/Annots")] = ArrayObject([widget, link])
    xfa = DecodedStreamObject()
    xfa.set_data(b"<xdp:xdp><script>evil()</script></xdp:xdp>")
    root[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject([widget]),
            NameObject("/XFA"): writer._add_object(xfa),
        }
    )
    return _write(writer)


def pdf_content_bomb(pages: int = 3, inflated: int = 40 * MB) -> bytes:
    """Pages whose content stream is a few dozen KB of Flate that inflates to ``inflated``."""
    stream_data = zlib.compress(b"q Q " * (inflated // 4), 9)
    writer = PdfWriter()
    for _ in range(pages):
        page = writer.add_blank_page(595, 842)
        stream = StreamObject()
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        stream._data = stream_data
        page[NameObject("/Contents")] = writer._add_object(stream)
    return _write(writer)


def encrypted_pdf(user_password: str = "secret", owner_password: str = "owner") -> bytes:  # noqa: S107
    writer = PdfWriter()
    _text_page(writer, "Confidentiel")
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    return _write(writer)


def image(fmt: str = "JPEG", size=(800, 600), color=(200, 30, 30), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save)
    return buffer.getvalue()


def photo(size=(4000, 3000), seed: int = 0, quality: int = 92, exif=None) -> bytes:
    """A photo-like JPEG: noise over gradients, so it compresses like a real one (2-5 MB)."""
    width, height = size
    noise = Image.effect_noise((width, height), 60 + seed % 20).convert("L")
    gradient = Image.linear_gradient("L").resize((width, height))
    picture = Image.merge("RGB", (noise, gradient, Image.eval(noise, lambda v: 255 - v)))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=quality, **({"exif": exif} if exif else {}))
    return buffer.getvalue()


def exif_with_gps_and_rotation() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0131] = "secret-software"  # Software
    return exif.tobytes()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(side: int = 100_000) -> bytes:
    """A 1-bit side × side PNG of a few kilobytes that would decode to gigabytes."""
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(100)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", body)
        + png_chunk(b"IEND", b"")
    )


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


def pdf_zip_polyglot() -> bytes:
    """A valid PDF with a ZIP appended: PDF readers and unzip tools both open it."""
    return pdf() + zip_archive()


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'


def _action_gotor(target: str) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/GoToR"),
            NameObject("/F"): TextStringObject(target),
            NameObject("/D"): ArrayObject([NumberObject(0), NameObject("/Fit")]),
        }
    )


def pdf_with_hidden_actions() -> bytes:
    """Actions where a key-by-key scrub does not look: a remote go-to (/GoToR) reached through
    a /PresSteps navigation node, a /Launch under the page's /PieceInfo private data, and a
    /GoToR with no /Type hung under an unknown key of the page."""
    writer = PdfWriter()
    page = _text_page(writer, "Releve")
    node = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/NavNode"),
                NameObject("/NA"): writer._add_object(
                    _action_gotor("\\\\evil.invalid\\share\\x.pdf")
                ),
            }
        )
    )
    page[NameObject("/PresSteps")] = node
    page[NameObject("/PieceInfo")] = DictionaryObject(
        {
            NameObject("/Tool"): DictionaryObject(
                {
                    NameObject("/LastModified"): TextStringObject("D:20260101"),
                    NameObject("/Private"): DictionaryObject(
                        {
                            NameObject("/S"): NameObject("/Launch"),
                            NameObject("/F"): TextStringObject("cmd.exe"),
                        }
                    ),
                }
            )
        }
    )
    page[NameObject("/Extra")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/GoToR"),
            NameObject("/F"): TextStringObject("http://evil.invalid/remote.pdf"),
        }
    )
    return _write(writer)


# --- grown by the security suite (tests/security/test_upload_corpus.py) --------------------


def jpeg_zip_polyglot() -> bytes:
    """A JPEG with a ZIP archive after its end marker: a viewer shows the photo, unzip opens
    the archive."""
    return image("JPEG", size=(64, 48)) + zip_archive()


def pdf_with_html_after_eof() -> bytes:
    """A valid PDF followed by a web page: a browser sniffing the content would run it."""
    return pdf() + b"\n" + HTML


def png_with_script_chunks() -> bytes:
    """A PNG whose text chunks (tEXt, iTXt with XMP) carry markup and a script."""
    data = image("PNG", size=(32, 32))
    chunks = png_chunk(b"tEXt", b"Comment\x00<script>alert(1)</script>")
    chunks += png_chunk(
        b"iTXt",
        b"XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta><script>alert(2)</script></x:xmpmeta>",
    )
    return data[:33] + chunks + data[33:]  # after the IHDR chunk


def pdf_with_outline_and_external_streams() -> bytes:
    """Bookmarks whose actions launch a program and open a URI, and a stream whose data is an
    external file (/F): places a page-by-page scrub does not visit."""
    writer = PdfWriter()
    _text_page(writer, "Diplome")
    launch = writer._add_object(
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/Launch"),
                NameObject("/F"): TextStringObject("cmd.exe"),
            }
        )
    )
    outline_item = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Title"): TextStringObject("Open me"),
                NameObject("/A"): launch,
                NameObject("/Next"): writer._add_object(
                    DictionaryObject(
                        {
                            NameObject("/Title"): TextStringObject("Visit"),
                            NameObject("/A"): DictionaryObject(
                                {
                                    NameObject("/S"): NameObject("/URI"),
                                    NameObject("/URI"): TextStringObject("http://evil.invalid/"),
                                }
                            ),
                        }
                    )
                ),
            }
        )
    )
    writer.root_object[NameObject("/Outlines")] = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Outlines"),
                NameObject("/First"): outline_item,
                NameObject("/Count"): NumberObject(2),
            }
        )
    )
    external = StreamObject()
    external.update(
        {
            NameObject("/F"): TextStringObject("file:///etc/passwd"),
            NameObject("/Length"): NumberObject(0),
        }
    )
    writer.root_object[NameObject("/Extra")] = writer._add_object(external)
    return _write(writer)
