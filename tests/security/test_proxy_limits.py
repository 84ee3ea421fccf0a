"""The compose set-up's nginx (deploy/nginx.conf, as shipped, with only its upstream address and
listening port moved to loopback): a body over the limit is refused before the application sees
anything, a client announcing a big body and sending a few bytes never reaches a worker, and
X-Forwarded-For gets the address nginx saw appended (what ALLAUTH_TRUSTED_PROXY_COUNT=1 reads).

Debian's nginx package; in CI a missing nginx is a failure (.ci/run installs it), never a skip."""

import os
import re
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.servers import Nginx, free_port, nginx_binary

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = (ROOT / "deploy" / "nginx.conf").read_text()


class Upstream(threading.Thread):
    """Stands where gunicorn stands: records every request that reaches it, answers 200."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.requests: list[bytes] = []

    def run(self):
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(5)
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = connection.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                length = re.search(rb"(?i)\r\ncontent-length: (\d+)", head)
                while length and len(body) < int(length[1]):
                    chunk = connection.recv(1 << 20)
                    if not chunk:
                        break
                    body += chunk
                self.requests.append(head + b"\r\n\r\n" + body)
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                )


@pytest.fixture
def proxy(tmp_path):
    if not nginx_binary():
        if os.environ.get("CI"):
            pytest.fail("nginx is missing: .ci/run installs Debian's nginx-light package")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    upstream = Upstream()
    upstream.start()
    port = free_port()
    nginx = Nginx(tmp_path, upstreams=[f"127.0.0.1:{upstream.port}"], port=port)
    assert f"127.0.0.1:{upstream.port}" in nginx.conf and f"127.0.0.1:{port}" in nginx.conf
    nginx.start()
    yield port, upstream
    nginx.stop()
    upstream.sock.close()


def send(port, head: bytes, body: bytes = b"", wait: float = 0.0, timeout: float = 10) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head + body)
        if wait:
            time.sleep(wait)
            return b""
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        return answer


def test_a_body_over_the_limit_is_refused_by_the_proxy(proxy):
    port, upstream = proxy
    head = (
        b"POST /candidatures/1/pieces/1/envoyer/ HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/octet-stream\r\nContent-Length: 209715200\r\n\r\n"
    )
    answer = send(port, head, b"x" * 1000)
    assert answer.startswith(b"HTTP/1.1 413")
    assert upstream.requests == []


def test_a_client_announcing_a_big_body_and_sending_little_never_reaches_a_worker(proxy):
    port, upstream = proxy
    head = (
        b"POST /candidatures/1/pieces/1/envoyer/ HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/octet-stream\r\nContent-Length: 52428800\r\n\r\n"
    )
    send(port, head, b"x" * 10, wait=2.0)  # holds the connection, sends nothing more
    assert upstream.requests == []
    assert re.search(r"client_body_timeout 30s;", SHIPPED)


def test_a_whole_request_goes_through_with_the_address_nginx_saw_appended(proxy):
    port, upstream = proxy
    answer = send(
        port,
        b"POST /accounts/login/ HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 6.6.6.6\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\n"
        b"Connection: close\r\n\r\n",
        b"a=b&c",
    )
    assert answer.startswith(b"HTTP/1.1 200")
    (request,) = upstream.requests
    assert b"\r\nX-Forwarded-For: 6.6.6.6, 127.0.0.1\r\n" in request


def test_the_largest_upload_the_application_accepts_gets_through(proxy, settings):
    """A merge of PIECES_MAX_MERGE_FILES files of PIECES_MAX_UPLOAD_BYTES: nginx's default
    limit (1 MB) would refuse every real document."""
    port, upstream = proxy
    size = settings.PIECES_MAX_MERGE_FILES * settings.PIECES_MAX_UPLOAD_BYTES + 60 * 1024
    head = (
        b"POST /candidatures/1/pieces/1/envoyer/ HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/octet-stream\r\nConnection: close\r\n"
        + f"Content-Length: {size}\r\n\r\n".encode()
    )
    answer = send(port, head, b"x" * size, timeout=180)
    assert answer.startswith(b"HTTP/1.1 200")
    (request,) = upstream.requests
    assert len(request.partition(b"\r\n\r\n")[2]) == size
