"""The cache's Redis away (ecandidat.cache.TolerantRedisCache, as production configures it):
a Redis server of this test's own (port 8184) frozen with SIGSTOP, so it keeps its data and
stops answering (a network cut), then thawed. Pages work from the database meanwhile, and a
session ended meanwhile is not served again from its stale cache entry afterwards."""

import os
import signal

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, CandidatureFactory
from tests.notifications.test_submission_faults import OwnRedis

pytestmark = pytest.mark.django_db
PORT = int(os.environ.get("H15_CACHE_REDIS_PORT", "8184"))


def _fresh_state():
    """The tolerant cache's state is per location and process: no earlier test's outage."""
    from django.core.cache import cache

    cache.state.down_until = 0.0
    cache.state.stale.clear()
    cache.state.clear_pending = False


@pytest.fixture
def own_redis(tmp_path, settings):
    """A Redis server of the test's own as the tolerant cache's location."""
    redis = OwnRedis(PORT, tmp_path)
    redis.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "ecandidat.cache.TolerantRedisCache",
            "LOCATION": redis.cache_url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    _fresh_state()
    yield redis
    redis.process.send_signal(signal.SIGCONT)  # a test may have frozen it
    redis.stop()


@pytest.fixture
def frozen_redis(own_redis):
    return own_redis


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


@pytest.mark.parametrize(
    ("refuse", "allow"),
    [
        # A replica of a master that is not there: read-only, as after a failover gone wrong.
        (["REPLICAOF", "127.0.0.1", "1"], ["REPLICAOF", "NO", "ONE"]),
        # Memory full with no eviction: every write is refused with OOM.
        (["CONFIG", "SET", "maxmemory", "1"], ["CONFIG", "SET", "maxmemory", "0"]),
    ],
    ids=["read-only", "out-of-memory"],
)
def test_a_redis_refusing_writes_is_worked_around_like_an_absent_one(
    client, own_redis, settings, refuse, allow
):
    import redis as redis_client
    from django.core.cache import cache

    admin = redis_client.Redis.from_url(own_redis.cache_url)
    candidature = CandidatureFactory(draft=True)
    client.force_login(candidature.dossier.user)
    dashboard = reverse("candidatures:dashboard")
    assert client.get(dashboard).status_code == 200
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert cache.get(f"django.contrib.sessions.cached_db{session_key}") is not None

    admin.execute_command(*refuse)
    try:
        with pytest.raises(redis_client.exceptions.ResponseError):
            admin.set("probe", "x")  # Redis does refuse writes now
        # The pages work from the database, signing out and in again (a session written) too.
        assert client.get(dashboard).status_code == 200
        assert client.post(reverse("account_logout")).status_code == 302
        user = candidature.dossier.user
        login = {"login": user.email, "password": DEFAULT_PASSWORD}
        assert client.post(reverse("account_login"), login).status_code == 302
        assert client.get(dashboard).status_code == 200
    finally:
        admin.execute_command(*allow)
    cache.state.down_until = 0.0

    # Redis takes writes again, still holding the ended session: its cookie must not sign in.
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    response = client.get(dashboard)
    assert response.status_code == 302
    assert cache.get(f"django.contrib.sessions.cached_db{session_key}") is None


def test_a_long_outage_remembers_a_bounded_list_then_empties_the_cache(
    client, frozen_redis, settings, monkeypatch
):
    """Every key written while Redis was away was remembered, without limit (a busy site's
    sessions for hours). Past STALE_MAX the list is dropped and the whole cache emptied when
    Redis answers: the ended session is not served, and what the cache held before goes."""
    from django.core.cache import cache

    from ecandidat.cache import TolerantRedisCache

    monkeypatch.setattr(TolerantRedisCache, "STALE_MAX", 3)
    candidature = CandidatureFactory(draft=True)
    client.force_login(candidature.dossier.user)
    dashboard = reverse("candidatures:dashboard")
    assert client.get(dashboard).status_code == 200
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    cache.set("written-before", 1)

    frozen_redis.process.send_signal(signal.SIGSTOP)
    try:
        assert client.post(reverse("account_logout")).status_code == 302
        for number in range(10):
            cache.set(f"written-meanwhile-{number}", number)
            assert len(cache.state.stale) <= 3
        assert cache.state.clear_pending
    finally:
        frozen_redis.process.send_signal(signal.SIGCONT)
    cache.state.down_until = 0.0

    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert cache.get("written-before") is None and cache.get("written-meanwhile-0") is None
    assert not cache.state.clear_pending and not cache.state.stale
    cache.set("written-after", 1)
    assert cache.get("written-after") == 1


def test_a_clear_asked_while_redis_is_away_is_done_when_it_answers(frozen_redis):
    from django.core.cache import cache

    cache.set("written-before", 1)
    frozen_redis.process.send_signal(signal.SIGSTOP)
    try:
        # Found away once, then not asked for a few seconds: the clear is not sent (a command
        # sent to the frozen server would still run once it is thawed).
        assert cache.get("written-before") is None
        assert cache.clear() is False
    finally:
        frozen_redis.process.send_signal(signal.SIGCONT)
    cache.state.down_until = 0.0
    assert cache.get("written-before") is None
