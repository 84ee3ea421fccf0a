import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Messages are asserted in English unless a test activates French itself."""
    with translation.override("en"):
        yield


@pytest.fixture
def upload():
    def make(name: str, data: bytes, content_type: str = "application/octet-stream"):
        return SimpleUploadedFile(name, data, content_type=content_type)

    return make


@pytest.fixture
def media(settings, tmp_path):
    """Stored files go to a fresh folder per test; returns a helper listing them."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }

    def stored():
        root = tmp_path / "media" / "pieces"
        return sorted(p.name for p in root.iterdir()) if root.exists() else []

    return stored
