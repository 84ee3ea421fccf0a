"""The Redis cache keeps one ``redis.Redis`` per connection pool (Django's own client builds
one per call) and stays tolerant of Redis being away with it."""

from ecandidat.cache import TolerantRedisCache

# Nothing listens on port 1: connecting fails at once (no Redis server needed here).
UNREACHABLE = "redis://127.0.0.1:1/0"


def make_cache():
    return TolerantRedisCache(UNREACHABLE, {"OPTIONS": {"socket_connect_timeout": 1}})


def test_every_call_uses_the_same_redis_client():
    cache = make_cache()
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    assert cache._cache.get_client("some-key") is client
    # One client per cache object (one per thread): another thread's cache has its own.
    assert make_cache()._cache.get_client() is not client


def test_the_kept_client_still_falls_back_when_redis_is_away_and_tries_again():
    cache = make_cache()
    cache.retry_after = 0.0  # try Redis on every call
    cache.state.down_until = 0.0
    client = cache._cache.get_client()
    assert cache.get("key", "fallback") == "fallback"
    assert cache.get("key", "fallback") == "fallback"  # tried again, failed again: no crash
    assert cache.set("key", 1) is None
    assert cache._cache.get_client() is client


def test_a_strict_add_does_not_pretend_while_redis_is_away():
    """``add`` says True while Redis is away (the site keeps working); the CAS single-use
    check needs to know it could not check: ``add_strict`` says None."""
    cache = make_cache()
    assert cache.add("ticket", 1) is True
    assert cache.add_strict("ticket", 1) is None
