"""Shared fixtures: fast hashing, a clean cache (rate limits) for every test, English/French
clients, the languages HTML written in Python is compared in."""

import pytest
from django.core.cache import cache
from django.utils import translation
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import trans_real

from candidatures.offer import forget_memo


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    cache.clear()
    forget_memo()
    # A request with Accept-Language: en leaves English active in this thread (LocaleMiddleware
    # does not switch back): each test starts in the default language, whatever ran before.
    with translation.override(settings.LANGUAGE_CODE):
        yield
    cache.clear()
    forget_memo()


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _hostile(real):
    def translate(*args):
        result = real(*args) + " l'<&>\""
        return mark_safe(result) if isinstance(args[-1], SafeData) else result  # noqa: S308

    return translate


@pytest.fixture(params=["fr", "en", "hostile"])
def drawn_language(request, monkeypatch):
    """(language, hostile) for tests comparing HTML written in Python with its template:
    French, English, and English whose every translation ends with characters HTML escapes
    (a template escapes values, not the translations of its literals; the Python must do the
    same)."""
    if request.param != "hostile":
        return request.param, False
    for name in ("gettext", "pgettext"):
        monkeypatch.setattr(translation._trans, name, _hostile(getattr(trans_real, name)))
    return "en", True
