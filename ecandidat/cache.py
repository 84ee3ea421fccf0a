"""The Redis cache, tolerant of Redis being away.

Sessions (``cached_db``) and rate limits live in the cache; with Django's own Redis backend a
stopped Redis made every signed-in page a 500, a submission included (its mail, in the
outbox, would have waited anyway). Here a Redis error (unreachable, or refusing writes: read-only
or out of memory) makes the cache behave as empty for a few seconds: reads miss (sessions are read from the database), writes are dropped, ``add``
succeeds (so allauth's counters lock and let the request through: rate limits are not
enforced while Redis is away, rather than refusing every sign-in). Each failure is logged.

A key written or deleted while Redis was unreachable may still hold its old value there if
Redis comes back with its data (a network cut rather than a restart): such keys are deleted
from Redis by this process as soon as it answers again, so an ended session is not served
from a stale entry. A long outage on a busy site would make that list grow without end: past
``STALE_MAX`` keys, and for a ``clear()`` asked for while Redis was away, the whole cache is
emptied when it answers again instead. Nothing is lost by that: sessions are written through
to the database (``cached_db``), the offer's listing is drawn again; rate-limit counters start
again, and the CAS tickets seen before the outage are no longer remembered (the CAS server
itself validates a ticket once)."""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)


def _redis_errors():
    """Redis away, or there but refusing writes: a replica left read-only after a failover
    (READONLY) or a full memory with no eviction (OOM). Either would otherwise make every
    signed-in page a 500 (the session is saved on each request). Other errors (a wrong
    type, a bad command) are bugs and are raised."""
    import redis

    errors = redis.exceptions
    return (
        errors.ConnectionError,
        errors.TimeoutError,
        errors.ReadOnlyError,
        errors.OutOfMemoryError,
        OSError,
    )


class _State:
    """Per Redis location and per process (Django makes one cache object per thread)."""

    def __init__(self):
        self.down_until = 0.0
        self.stale = set()  # raw keys written or deleted while Redis was away
        self.clear_pending = False  # too many of them, or clear() asked for: empty it all
        self.lock = threading.Lock()


_STATES: dict[str, _State] = {}
_STATES_LOCK = threading.Lock()


class ReusedRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one ``redis.Redis`` per connection pool: Django builds a new
    one on every call (its table of response callbacks included), about 0.5 ms of each
    request's CPU. A ``redis.Redis`` holds no connection of its own (it borrows one from the
    pool for each command and gives it back, broken ones included), so one per pool is what
    the pool would hand out anyway."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    retry_after = 5.0  # seconds without trying Redis after a failure
    STALE_MAX = 10_000  # keys remembered one by one (about 1 MB); past that, empty it all

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient
        with _STATES_LOCK:
            self.state = _STATES.setdefault(str(server), _State())

    def _call(self, name, fallback, stale_keys, *args, **kwargs):
        state = self.state
        if time.monotonic() < state.down_until:
            self._remember(stale_keys, clear=name == "clear")
            return fallback
        try:
            if state.stale or state.clear_pending:
                self._flush_stale()
            return getattr(super(), name)(*args, **kwargs)
        except _redis_errors() as error:
            state.down_until = time.monotonic() + self.retry_after
            self._remember(stale_keys, clear=name == "clear")
            logger.warning("cache unavailable (%s), working without it: %r", name, error)
            return fallback

    def _remember(self, keys, *, clear=False):
        state = self.state
        if keys or clear:
            with state.lock:
                if clear or state.clear_pending or len(state.stale) + len(keys) > self.STALE_MAX:
                    state.clear_pending, state.stale = True, set()
                else:
                    state.stale.update(keys)

    def _flush_stale(self):
        state = self.state
        with state.lock:
            keys, clear = list(state.stale), state.clear_pending
            state.stale, state.clear_pending = set(), False
        try:
            if clear:
                self._cache.clear()
            else:
                self._cache.delete_many(keys)
        except Exception:
            self._remember(keys, clear=clear)
            raise
        if clear:
            logger.info("cache back: emptied (a clear, or too many keys, while it was away)")
        else:
            logger.info("cache back: %d key(s) written while it was away deleted", len(keys))

    def _raw(self, key, version=None):
        return [self.make_and_validate_key(key, version=version)]

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", True, self._raw(key, version), key, value, timeout, version)

    def add_strict(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """``add`` for a caller whose check must not pass while Redis is away (a single-use
        ticket): None then, where ``add`` says True to keep the site working."""
        return self._call("add", None, self._raw(key, version), key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, (), key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, self._raw(key, version), key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, (), key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, self._raw(key, version), key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, (), keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, (), key, version=version)

    def incr(self, key, delta=1, version=None):
        # Without Redis there is no value to increment: as Django does for a missing key.
        return self._call("incr", None, self._raw(key, version), key, delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        raw = [self.make_and_validate_key(key, version=version) for key in data]
        return self._call("set_many", list(data), raw, data, timeout, version)

    def delete_many(self, keys, version=None):
        raw = [self.make_and_validate_key(key, version=version) for key in keys]
        return self._call("delete_many", None, raw, keys, version=version)

    def clear(self):
        return self._call("clear", False, ())
