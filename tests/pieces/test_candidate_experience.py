"""Issue 13, documents side: the submit button turns green when everything is in, the demo's
blank form is fillable and keeps its answers, and photos from recent phones are accepted
without ever holding their full bitmap."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader, PdfWriter

from pieces.files import FileKind, ImageTooLarge, check_upload
from tests.factories import PieceFactory, PieceTypeFactory

from . import corpus
from .helpers import application

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def submit_button(page):
    import re

    return re.search(r'<(a|button) class="([^"]+)"[^>]*id="submit-application"[^>]*>', page, re.S)


def test_submit_button_is_green_only_when_every_piece_is_in(client, media):
    """Defect 7: the guide says the button « passe au vert »; it stayed blue."""
    cv = PieceTypeFactory(label_fr="CV", label_en="CV")
    candidature = application(None, cv)
    client.force_login(candidature.dossier.user)
    url = reverse("candidatures:detail", args=[candidature.pk])

    page = client.get(url).content.decode()
    tag, classes = submit_button(page).groups()
    assert tag == "button" and "fr-btn--success" not in classes
    assert 'id="submit-application" disabled' in page
    assert "CV." in page  # what is missing, said next to it

    PieceFactory(candidature=candidature, piece_type=cv)
    page = client.get(url).content.decode()
    tag, classes = submit_button(page).groups()
    assert tag == "a" and "fr-btn--success" in classes.split()


def test_the_success_style_is_in_the_stylesheet():
    css = (ROOT / "static/css/ecandidat.css").read_text()
    assert ".fr-btn--success" in css and "--background-flat-success" in css


def test_demo_blank_form_is_fillable_and_keeps_its_answers(settings, tmp_path):
    """Defect 9: the motivation letter to « compléter et redéposer » was not a fillable PDF."""
    from pieces import demo

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    demo.populate()
    from pieces.models import PieceType

    blank = PieceType.objects.get(label_fr="Lettre de motivation").blank_form.read()
    reader = PdfReader(io.BytesIO(blank))
    assert set(reader.get_fields()) == {"nom", "formation", "motivation"}

    writer = PdfWriter(clone_from=reader)
    writer.update_page_form_field_values(
        writer.pages[0],
        {"nom": "Camille Martin", "formation": "DAEU A", "motivation": "Reprendre mes études."},
        auto_regenerate=False,
    )
    filled = io.BytesIO()
    writer.write(filled)

    clean = check_upload(SimpleUploadedFile("lettre.pdf", filled.getvalue()))
    text = PdfReader(io.BytesIO(clean.data)).pages[0].extract_text()
    assert "Camille Martin" in text and "Reprendre mes études." in text


MEASURE = """
import json, os, resource, sys
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "ecandidat.settings"
django.setup()
from pieces.files import check_upload
from PIL import Image
import io
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
clean = check_upload(data, name="photo.jpg")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with Image.open(io.BytesIO(clean.data)) as picture:
    size = picture.size
print(json.dumps({"grew_kb": after - before, "size": size, "bytes": clean.size}))
"""
MAKE = """
import sys
from PIL import Image, ImageDraw
picture = Image.new("RGB", (12000, 9000), "white")
ImageDraw.Draw(picture).rectangle((1000, 1000, 5000, 5000), fill="black")
picture.save(sys.argv[1], quality=80)
"""


@pytest.fixture(scope="module")
def phone_photo(tmp_path_factory):
    """A 12,000 × 9,000 JPEG (108 Mpx), made in another process so that its full bitmap is
    not counted in this one's memory."""
    path = tmp_path_factory.mktemp("photo") / "phone.jpg"
    subprocess.run([sys.executable, "-c", MAKE, str(path)], check=True)
    return path


def test_a_108_megapixel_phone_photo_is_accepted(phone_photo):
    """Defect 11: refused as over the 60 Mpx limit, which a candidate cannot fix."""
    clean = check_upload(phone_photo.read_bytes(), name="photo.jpg")
    assert clean.kind == FileKind.JPEG
    with Image.open(io.BytesIO(clean.data)) as picture:
        assert picture.size == (3508, 2631)  # A4 at 300 dpi on its long side


def test_the_phone_photo_never_holds_its_full_bitmap(phone_photo):
    """Memory is bounded: the peak stays below what the full 108 Mpx bitmap alone would take
    (324 MB in RGB); it is decoded at 1/8 to be checked and at 1/2 to be re-encoded."""
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(phone_photo)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    full_bitmap_kb = 12000 * 9000 * 3 // 1024
    assert measured["size"] == [3508, 2631]
    assert measured["grew_kb"] < full_bitmap_kb * 0.8, measured


def test_a_png_of_the_same_size_is_still_refused():
    """Only JPEG decodes at a reduced scale: a 121 Mpx PNG stays a decompression bomb."""
    with pytest.raises(ImageTooLarge) as caught:
        check_upload(corpus.png_bomb(side=11_000), name="scan.png")
    assert caught.value.params["width"] == 11_000


def test_a_jpeg_too_large_even_at_one_eighth_is_refused():
    data = corpus.image(size=(1200, 900))
    with pytest.raises(ImageTooLarge):
        # 1/8 of 1200 × 900 is 150 × 113 = 16,950 pixels: over a 10,000 limit.
        check_upload(data, name="photo.jpg", max_pixels=10_000)
    clean = check_upload(data, name="photo.jpg", max_pixels=20_000)
    with Image.open(io.BytesIO(clean.data)) as picture:
        assert picture.size == (150, 113)
