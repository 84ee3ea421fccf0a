"""The cache's Redis away (ecandidat.cache.TolerantRedisCache, as production configures it):
a Redis server of this test's own (port 8184) frozen with SIGSTOP, so it keeps its data and
stops answering (a network cut), then thawed. Pages work from the database meanwhile, and a
session ended meanwhile is not served again from its stale cache entry afterwards."""

import os
import signal

import pytest
from django.urls import reverse

from tests.factories import CandidatureFactory
from tests.notifications.test_submission_faults import OwnRedis

pytestmark = pytest.mark.django_db
PORT = int(os.environ.get("H15_CACHE_REDIS_PORT", "8184"))


@pytest.fixture
def frozen_redis(tmp_path, settings):
    redis = OwnRedis(PORT, tmp_path)
    redis.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "ecandidat.cache.TolerantRedisCache",
            "LOCATION": redis.cache_url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield redis
    redis.process.send_signal(signal.SIGCONT)
    redis.stop()


def test_a_session_ended_while_redis_was_away_is_not_served_from_its_stale_entry(
    client, frozen_redis, settings
):
    from django.core.cache import cache

    candidature = CandidatureFactory(draft=True)
    client.force_login(candidature.dossier.user)
    dashboard = reverse("candidatures:dashboard")
    assert client.get(dashboard).status_code == 200  # the session is in Redis now
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert cache.get(f"django.contrib.sessions.cached_db{session_key}") is not None

    frozen_redis.process.send_signal(signal.SIGSTOP)
    try:
        # Redis does not answer: the pages work from the database, and signing out works.
        assert client.get(dashboard).status_code == 200
        response = client.post(reverse("account_logout"))
        assert response.status_code == 302
    finally:
        frozen_redis.process.send_signal(signal.SIGCONT)
    cache.state.down_until = 0.0  # the next request tries Redis again (no 5 s wait)

    # Redis is back with the entry of the ended session: the old cookie must not sign in.
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert cache.get(f"django.contrib.sessions.cached_db{session_key}") is None
