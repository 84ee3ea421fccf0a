import io

import pytest
from django.contrib.auth.models import Permission
from PIL import Image
from pypdf import PdfWriter


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def may_view_applications(user):
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_candidature", "view_export"])
    )
    return user


def pdf_bytes(pages=1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), (0, 0, 145)).save(out, "PNG")
    return out.getvalue()
