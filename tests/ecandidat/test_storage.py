"""ensure_storage against a real SeaweedFS S3 gateway: creates the bucket once, then finds it;
refuses a bucket anybody can read, however it was opened (ACL, policy, gateway
configuration); the documents land in it under random names that a stranger cannot read."""

import json

import pytest
from botocore.exceptions import ClientError
from django.core.management import call_command
from django.core.management.base import CommandError

from ecandidat.storage import StorageNotPrivate, ensure_storage, storage_reachable, stored_sizes
from pieces.models import PIECES_PREFIX

from .conftest import PUBLIC_BUCKET, fresh_bucket_name, use_bucket


def test_creates_the_bucket_once_then_finds_it(bucket_storage, seaweedfs, capsys):
    assert not storage_reachable(bucket_storage)
    call_command("ensure_storage")
    first = capsys.readouterr().out
    assert (
        f"bucket {bucket_storage.bucket_name}: created, private (ACL, policy, anonymous read refused)"
        in first
    )
    call_command("ensure_storage")
    assert "already there" in capsys.readouterr().out
    assert storage_reachable(bucket_storage)
    # The probe object it wrote to try reading as a stranger is gone.
    listed = seaweedfs.client().list_objects_v2(Bucket=bucket_storage.bucket_name)
    assert listed.get("KeyCount", 0) == 0


def test_refuses_a_bucket_opened_by_its_acl(bucket_storage, seaweedfs):
    ensure_storage(probe_prefix=PIECES_PREFIX, storage=bucket_storage)
    seaweedfs.client().put_bucket_acl(Bucket=bucket_storage.bucket_name, ACL="public-read")
    with pytest.raises(CommandError, match="ACL grants .*AllUsers read access"):
        call_command("ensure_storage")


def test_refuses_a_bucket_opened_by_its_policy(bucket_storage, seaweedfs):
    ensure_storage(probe_prefix=PIECES_PREFIX, storage=bucket_storage)
    name = bucket_storage.bucket_name
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": ["*"]},
                "Action": ["s3:GetObject"],
                "Resource": [f"arn:aws:s3:::{name}/*"],
            }
        ],
    }
    seaweedfs.client().put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
    with pytest.raises(StorageNotPrivate, match="policy allows anonymous access"):
        ensure_storage(probe_prefix=PIECES_PREFIX, storage=bucket_storage)


def test_refuses_a_bucket_the_gateway_lets_anybody_read(settings, seaweedfs):
    """Nothing in the bucket's ACL or policy says so: only reading as a stranger shows it."""
    seaweedfs.client().create_bucket(Bucket=PUBLIC_BUCKET)
    storage = use_bucket(settings, seaweedfs, PUBLIC_BUCKET)
    with pytest.raises(StorageNotPrivate, match="read without credentials"):
        ensure_storage(probe_prefix=PIECES_PREFIX, storage=storage)


@pytest.mark.django_db
def test_documents_are_stored_under_random_names_nobody_else_reads(bucket_storage, seaweedfs):
    from tests.factories import PieceFactory

    ensure_storage(probe_prefix=PIECES_PREFIX, storage=bucket_storage)
    pieces = [PieceFactory(original_name="passeport.pdf") for _ in range(2)]
    names = [p.file.name for p in pieces]
    assert len(set(names)) == 2
    assert all(n.startswith(f"{PIECES_PREFIX}/") and "passeport" not in n for n in names)
    assert stored_sizes(PIECES_PREFIX, bucket_storage) == dict.fromkeys(names, 13)
    with pytest.raises(ClientError) as refused:
        seaweedfs.client(signed=False).get_object(Bucket=bucket_storage.bucket_name, Key=names[0])
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_sizes_are_listed_under_a_location_prefix(seaweedfs, settings):
    from django.core.files.base import ContentFile

    name = fresh_bucket_name("location")
    seaweedfs.client().create_bucket(Bucket=name)
    storage = use_bucket(settings, seaweedfs, name, location="ecandidat")
    saved = storage.save("pieces/a/b.pdf", ContentFile(b"12345"))
    assert stored_sizes("pieces", storage) == {saved: 5}
    keys = [o["Key"] for o in seaweedfs.client().list_objects_v2(Bucket=name)["Contents"]]
    assert keys == [f"ecandidat/{saved}"]
