"""The default file storage as operators see it: make sure it exists and is private
(``manage.py ensure_storage``), tell whether it answers (``/readyz``), list what it holds with
sizes (``manage.py check_storage``).

Two kinds are handled: a folder (embedded mode) and an S3-compatible bucket (django-storages'
``S3Storage``: MinIO in docker-compose, SeaweedFS in the smoke run, any provider in production).
"""

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.storage import default_storage

# Grantees of an S3 ACL that mean "anybody".
PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}
READ_PERMISSIONS = {"READ", "FULL_CONTROL"}


def storage_errors() -> tuple[type[BaseException], ...]:
    """What a failing storage raises: OSError for a folder; botocore's and boto3's errors
    (connection refused, closed, timed out, an S3 error answer) for a bucket."""
    try:
        from boto3.exceptions import Boto3Error
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # the embedded set-up without boto3
        return (OSError,)
    return (OSError, BotoCoreError, ClientError, Boto3Error)


class StorageNotPrivate(Exception):
    """The bucket lets somebody without credentials read or list it."""


def is_bucket(storage=None) -> bool:
    storage = storage or default_storage
    return hasattr(storage, "bucket_name")


def _client(storage):
    return storage.connection.meta.client


def _anonymous_client(storage):
    """A client that signs nothing: what a stranger on the internet would use."""
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=storage.endpoint_url,
        region_name=storage.region_name or "us-east-1",
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
    )


def _status(error) -> int:
    return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)


def _code(error) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@dataclass
class EnsureReport:
    kind: str
    name: str
    created: bool = False
    versioning: str = ""
    checks: list[str] = field(default_factory=list)

    def summary(self) -> str:
        state = "created" if self.created else "already there"
        line = f"{self.kind} {self.name}: {state}, private ({', '.join(self.checks)})"
        if self.versioning:
            line += f", versioning {self.versioning}"
        return line


def ensure_storage(*, probe_prefix: str, storage=None) -> EnsureReport:
    """Creates the bucket (or folder) when missing; idempotent. Raises ``StorageNotPrivate``
    when anybody can read or list the bucket, whoever made it so. The probe object is written
    under ``probe_prefix`` (where the documents live) and deleted at once."""
    storage = storage or default_storage
    if not is_bucket(storage):
        # A folder is private by construction here: no URL serves it (files go out only
        # through the authorizing download view).
        location = Path(storage.location)
        created = not location.exists()
        location.mkdir(mode=0o700, parents=True, exist_ok=True)
        return EnsureReport("folder", str(location), created=created, checks=["not served"])

    from botocore.exceptions import ClientError

    client = _client(storage)
    bucket = storage.bucket_name
    report = EnsureReport("bucket", bucket)
    try:
        client.head_bucket(Bucket=bucket)
    except ClientError as error:
        if _status(error) != 404:
            raise
        arguments = {"Bucket": bucket}
        region = storage.region_name
        if region and region != "us-east-1":
            arguments["CreateBucketConfiguration"] = {"LocationConstraint": region}
        client.create_bucket(**arguments)
        report.created = True
    report.checks = check_private(storage, probe_prefix=probe_prefix)
    try:
        report.versioning = client.get_bucket_versioning(Bucket=bucket).get("Status") or "off"
    except ClientError:
        report.versioning = "unknown"
    return report


def check_private(storage, *, probe_prefix: str) -> list[str]:
    """Reads the ACL and the policy, then tries as a stranger: listing the bucket and reading
    an object written for the purpose under the documents' prefix. Returns what was checked."""
    from botocore.exceptions import ClientError

    client = _client(storage)
    bucket = storage.bucket_name
    checked = []
    try:
        grants = client.get_bucket_acl(Bucket=bucket).get("Grants", [])
    except ClientError as error:
        if _code(error) not in {"NotImplemented", "AccessDenied"}:
            raise
    else:
        checked.append("ACL")
        for grant in grants:
            uri = grant.get("Grantee", {}).get("URI", "")
            if uri in PUBLIC_GROUPS and grant.get("Permission") in READ_PERMISSIONS:
                raise StorageNotPrivate(f"bucket {bucket}: its ACL grants {uri} read access")
    try:
        policy = json.loads(client.get_bucket_policy(Bucket=bucket)["Policy"])
    except ClientError as error:
        if _code(error) not in {"NoSuchBucketPolicy", "NotImplemented", "AccessDenied"}:
            raise
    else:
        if _policy_allows_anybody(policy):
            raise StorageNotPrivate(f"bucket {bucket}: its policy allows anonymous access")
    checked.append("policy")

    stranger = _anonymous_client(storage)
    probe = storage._normalize_name(f"{probe_prefix}/.ensure-storage-{secrets.token_hex(8)}")
    client.put_object(Bucket=bucket, Key=probe, Body=b"private?")
    try:
        for attempt in (
            lambda: stranger.list_objects_v2(Bucket=bucket, MaxKeys=1),
            lambda: stranger.get_object(Bucket=bucket, Key=probe),
        ):
            try:
                attempt()
            except ClientError as error:
                if _status(error) not in {401, 403}:
                    raise
            else:
                raise StorageNotPrivate(f"bucket {bucket}: read without credentials")
    finally:
        client.delete_object(Bucket=bucket, Key=probe)
    checked.append("anonymous read refused")
    return checked


def _policy_allows_anybody(policy: dict) -> bool:
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements:
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        if principal == "*" or (
            isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))
        ):
            return True
    return False


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def storage_reachable(storage=None) -> bool:
    """For ``/readyz``: one cheap call, no detail."""
    storage = storage or default_storage
    try:
        if is_bucket(storage):
            _client(storage).head_bucket(Bucket=storage.bucket_name)
            return True
        return os.access(storage.location, os.W_OK)
    except Exception:  # noqa: BLE001 - any failure means "not ready", whatever its kind
        return False


def stored_sizes(prefix: str, storage=None) -> dict[str, int]:
    """Every stored name under ``prefix`` (as FileFields store them) with its size in bytes:
    one paginated listing for a bucket, a walk for a folder."""
    storage = storage or default_storage
    if is_bucket(storage):
        key_prefix = storage._normalize_name(prefix).rstrip("/") + "/"
        strip = len(storage._normalize_name("x")) - 1  # the location part of every key
        sizes = {}
        paginator = _client(storage).get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=storage.bucket_name, Prefix=key_prefix):
            for item in page.get("Contents", []):
                sizes[item["Key"][strip:]] = item["Size"]
        return sizes
    root = Path(storage.location)
    sizes = {}
    for path in (root / prefix).rglob("*"):
        if path.is_file():
            sizes[path.relative_to(root).as_posix()] = path.stat().st_size
    return sizes
