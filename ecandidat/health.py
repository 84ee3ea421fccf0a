"""``/healthz`` (liveness: the process answers) and ``/readyz`` (readiness: the database,
Redis and the file storage answer), for a load balancer or an orchestrator.

Answered by a middleware placed first, so a probe needs no allowed Host header, no HTTPS (the
balancer talks to gunicorn directly), no session or sign-in, and leaves nothing behind: no
cookie, no session row. The body says ``ok`` or ``unavailable``, never which part failed nor
why (that goes to the log)."""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse

from .storage import storage_reachable

logger = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache() -> bool:
    # Redis in production: rate limits and sessions live there. A round trip, not a ping, so a
    # read-only or full Redis counts as not ready.
    cache.set("readyz", "1", timeout=10)
    return cache.get("readyz") == "1"


CHECKS = {"database": _database, "cache": _cache, "storage": storage_reachable}


def failing_checks() -> list[str]:
    failing = []
    for name, check in CHECKS.items():
        try:
            ok = check()
        except Exception:  # noqa: BLE001 - any failure means "not ready"; logged below
            logger.exception("readiness check %s failed", name)
            ok = False
        if not ok:
            failing.append(name)
    return failing


def _answer(status: int, text: str) -> HttpResponse:
    response = HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            if request.path == LIVENESS_PATH:
                return _answer(200, "ok")
            if request.path == READINESS_PATH:
                failing = failing_checks()
                if failing:
                    logger.warning("not ready: %s", ", ".join(failing))
                    return _answer(503, "unavailable")
                return _answer(200, "ok")
        return self.get_response(request)
