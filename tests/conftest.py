"""Shared fixtures: fast hashing, a clean cache (rate limits) for every test, English/French
clients."""

import pytest
from django.core.cache import cache
from django.utils import translation

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
