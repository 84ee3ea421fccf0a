"""/healthz and /readyz answer a load balancer: no allowed Host needed, no HTTPS redirect, no
session or cookie, one query, and nothing said about what failed."""

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage_folder(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


@pytest.fixture
def production_like(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["candidatures.example.org"]


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_answers_a_probe_by_ip_over_http_without_a_session(
    client, production_like, path, django_assert_num_queries
):
    with django_assert_num_queries(1 if path == "/readyz" else 0):
        response = client.get(path, HTTP_HOST="10.0.3.7:8000")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    assert "Vary" not in response
    assert not Session.objects.exists()


def test_head_is_answered_too(client):
    assert client.head("/healthz").status_code == 200


def test_other_paths_keep_the_normal_rules(client, production_like):
    assert client.get("/healthz/x", HTTP_HOST="10.0.3.7").status_code == 400  # DisallowedHost
    posted = client.post("/healthz", HTTP_HOST="candidatures.example.org")
    assert posted.status_code == 301  # not a probe: redirected to HTTPS


def test_not_ready_when_the_cache_is_down_says_no_more(client, caplog):
    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    # A context, not the settings fixture: the suite's cache.clear() must find Redis back.
    with override_settings(CACHES=down):
        response = client.get("/readyz")
        assert client.get("/healthz").status_code == 200  # alive, only not ready
    assert response.status_code == 503
    assert response.content == b"unavailable\n"
    assert "not ready: cache" in caplog.text


def test_not_ready_when_the_storage_folder_is_gone(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "never-created")},
        },
    }
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (503, b"unavailable\n")


def test_not_ready_when_the_bucket_does_not_answer(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "ecandidat",
                "endpoint_url": "http://127.0.0.1:1",
                "access_key": "x",
                "secret_key": "y",
            },
        },
    }
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (503, b"unavailable\n")


def test_ready_with_a_real_bucket(client, bucket_storage):
    from ecandidat.storage import ensure_storage

    assert client.get("/readyz").status_code == 503  # the bucket is not created yet
    ensure_storage(probe_prefix="pieces", storage=bucket_storage)
    assert client.get("/readyz").status_code == 200


def test_public_under_a_deny_by_default_login_middleware(client, settings):
    """Answered before any sign-in middleware runs: a deny-by-default LoginRequiredMiddleware
    needs no exception for them."""
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]
    assert client.get("/accounts/email/").status_code == 302  # the middleware does deny
    for path in ("/healthz", "/readyz"):
        assert client.get(path).status_code == 200
