"""The file storage failing while a candidate replaces a document, on a real S3 API: moto in
server mode (its own port) behind a TCP proxy that can cut PUT requests, with django-storages'
S3 options as production sets them (settings.py). Whatever fails, the previous document is
kept, its row is unchanged and no object is left that no row names; the other way round, the
database failing after the new object was written leaves no object behind either.

Ports: moto on 8181, the proxy on 8182 (this helper's range)."""

import contextlib
import html
import os
import socket
import threading

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from pieces.models import Piece
from tests.factories import PieceTypeFactory
from tests.pieces import corpus
from tests.pieces.helpers import application

pytestmark = pytest.mark.django_db(transaction=True)
MOTO_PORT = int(os.environ.get("H15_MOTO_PORT", "8181"))
PROXY_PORT = MOTO_PORT + 1
BUCKET = "ecandidat-faults"


class CuttingProxy:
    """Relays TCP to moto. ``mode``: None relays everything; "refuse" closes a connection as
    soon as a PUT request starts on it (nothing reaches the server); "lose_answer" relays the
    PUT whole (the object is written) and closes the connection instead of relaying the
    server's answer (a ``100 Continue`` still goes through). ``puts`` counts PUTs seen."""

    def __init__(self, port, upstream):
        self.port, self.upstream = port, upstream
        self.mode = None
        self.puts = 0
        self.listener = socket.create_server(("127.0.0.1", port), reuse_port=False)
        self.listener.settimeout(0.2)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopping.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client):
        server = socket.create_connection(("127.0.0.1", self.upstream))
        state = {"put": False}

        def close():
            for sock in (client, server):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()

        def upstream_to_client():
            try:
                while data := server.recv(65536):
                    final = not data.startswith(b"HTTP/1.1 100")
                    if state["put"] and self.mode == "lose_answer" and final:
                        close()
                        return
                    client.sendall(data)
            except OSError:
                pass
            close()

        threading.Thread(target=upstream_to_client, daemon=True).start()
        try:
            while data := client.recv(65536):
                if data[:8].split(b" ")[0] in (b"GET", b"HEAD", b"PUT", b"POST", b"DELETE"):
                    state["put"] = data.startswith(b"PUT ")  # a new request on this connection
                    self.puts += state["put"]
                    if state["put"] and self.mode == "refuse":
                        close()
                        return
                server.sendall(data)
        except OSError:
            pass
        close()

    def stop(self):
        self.stopping.set()
        self.thread.join(5)
        self.listener.close()


@pytest.fixture(scope="module")
def s3():
    moto = pytest.importorskip("moto.server", reason="moto[server] is a dev dependency")
    server = moto.ThreadedMotoServer(ip_address="127.0.0.1", port=MOTO_PORT, verbose=False)
    server.start()
    proxy = CuttingProxy(PROXY_PORT, MOTO_PORT)
    yield proxy
    proxy.stop()
    server.stop()


@pytest.fixture
def bucket(s3, settings, monkeypatch):
    """The default storage on a fresh bucket through the proxy, with production's options."""
    import boto3
    from django.core.files.storage import storages

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    direct = boto3.client(
        "s3", endpoint_url=f"http://127.0.0.1:{MOTO_PORT}", region_name="us-east-1"
    )
    with contextlib.suppress(direct.exceptions.BucketAlreadyOwnedByYou):
        direct.create_bucket(Bucket=BUCKET)
    for item in direct.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        direct.delete_object(Bucket=BUCKET, Key=item["Key"])
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "region_name": "us-east-1",
                "endpoint_url": f"http://127.0.0.1:{PROXY_PORT}",
                "location": "",
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    s3.mode, s3.puts = None, 0
    yield lambda: sorted(
        o["Key"] for o in direct.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    )
    s3.mode = None
    storages._storages.pop("default", None)


@pytest.fixture
def with_a_document(client, bucket):
    """A draft whose CV was sent once (through the real page): the document to keep."""
    candidature = application(None, PieceTypeFactory(label_en="CV", label_fr="CV"))
    client.force_login(candidature.dossier.user)
    piece_type = candidature.programme.required_pieces.get().piece_type
    url = reverse("pieces:upload", args=[candidature.pk, piece_type.pk])
    assert send(client, url, "first.pdf").status_code == 302
    piece = Piece.objects.get(candidature=candidature)
    assert bucket() == [piece.file.name]
    return url, piece


def send(client, url, name, **extra):
    pdf = SimpleUploadedFile(name, corpus.pdf(), content_type="application/pdf")
    return client.post(url, {"files": [pdf]}, **extra)


def row(piece):
    fresh = Piece.objects.get(pk=piece.pk)
    return (fresh.file.name, fresh.original_name, fresh.size, fresh.status, fresh.uploaded_at)


@pytest.mark.parametrize("mode", ["refuse", "lose_answer"])
def test_the_store_failing_during_a_replacement_keeps_the_previous_document(
    client, s3, bucket, with_a_document, mode
):
    url, piece = with_a_document
    before = row(piece)
    s3.mode = mode

    response = send(client, url, "second.pdf", HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert s3.puts >= 1  # the fault was met, not skipped
    assert response.status_code == 200
    page = response.content.decode()
    assert "could not be stored just now" in page
    assert "The document you had sent before is kept" in page
    assert row(piece) == before
    s3.mode = None
    # Only the previous object: in "lose_answer" the new one was written, then removed.
    assert bucket() == [piece.file.name]
    assert client.get(reverse("pieces:download", args=[piece.pk])).status_code == 200
    # The store is back: the replacement works.
    assert send(client, url, "second.pdf").status_code == 302
    assert Piece.objects.get(pk=piece.pk).original_name == "second.pdf"
    assert bucket() == [Piece.objects.get(pk=piece.pk).file.name]


def test_the_message_is_french_by_default(client, s3, bucket, with_a_document):
    url, piece = with_a_document
    s3.mode = "refuse"
    page = html.unescape(send(client, url, "second.pdf", follow=True).content.decode())
    assert "n'a pas pu être enregistré pour l'instant" in page
    assert "Le document que vous aviez envoyé auparavant est conservé" in page


def _terminate_on_piece_update(execute, sql, params, many, context):
    """Once the new object is written, the database goes: this connection's backend is ended
    from another session just before the piece row is updated."""
    if sql.startswith('UPDATE "pieces_piece"'):
        db = context["connection"].settings_dict
        pid = context["connection"].connection.info.backend_pid
        with psycopg.connect(
            dbname=db["NAME"],
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            autocommit=True,
        ) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
    return execute(sql, params, many, context)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL server to cut")
def test_the_database_failing_after_the_put_deletes_the_new_object(
    client, s3, bucket, with_a_document
):
    url, piece = with_a_document
    before = row(piece)
    client.raise_request_exception = False
    puts = s3.puts
    with connection.execute_wrapper(_terminate_on_piece_update):
        response = send(client, url, "second.pdf")
    assert s3.puts == puts + 1  # the new object was written before the database failed
    assert response.status_code == 500
    assert "rien n'est à moitié enregistré" in response.content.decode()
    assert row(piece) == before
    assert bucket() == [piece.file.name]  # the new object is gone
