"""scan() against a small clamd written here: it speaks the real INSTREAM protocol on a local
socket (a protocol peer, not a mock of our code)."""

import socket
import socketserver
import struct
import threading

import pytest

from pieces.antivirus import ScanStatus, ping, scan

MARKER = b"FAKE-TEST-SIGNATURE"  # what our clamd "detects" (no real virus pattern in the repo)


class FakeClamd(socketserver.BaseRequestHandler):
    """zINSTREAM\\0, then <4-byte big-endian length><data>... until a zero length."""

    def _read_exactly(self, count):
        data = b""
        while len(data) < count:
            chunk = self.request.recv(count - len(data))
            if not chunk:
                raise ConnectionError("client went away")
            data += chunk
        return data

    def handle(self):
        command = b""
        while not command.endswith(b"\0"):
            command += self._read_exactly(1)
        self.server.commands.append(command)
        if command == b"zPING\0":
            self.request.sendall(b"PONG\0")
            return
        if command != b"zINSTREAM\0":
            self.request.sendall(b"UNKNOWN COMMAND\0")
            return
        received = b""
        while True:
            (length,) = struct.unpack(">I", self._read_exactly(4))
            if length == 0:
                break
            self.server.chunks.append(length)
            received += self._read_exactly(length)
        if len(received) > self.server.max_stream:
            self.request.sendall(b"INSTREAM size limit exceeded. ERROR\0")
            return
        if self.server.hang:
            self.server.release.wait(5)
            return
        if MARKER in received:
            self.request.sendall(b"stream: Test.Marker-1 FOUND\0")
        else:
            self.request.sendall(b"stream: OK\0")


def _serve(server):
    server.commands, server.chunks = [], []
    server.max_stream, server.hang, server.release = 10**9, False, threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def clamd_tcp(settings):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeClamd)
    server.daemon_threads = True
    _serve(server)
    settings.PIECES_CLAMD_SOCKET = ""
    settings.PIECES_CLAMD_HOST, settings.PIECES_CLAMD_PORT = server.server_address
    settings.PIECES_CLAMD_TIMEOUT = 2
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


def test_a_clean_file_is_clean_and_sent_in_chunks(clamd_tcp):
    result = scan(b"%PDF-1.7 " + b"x" * 200_000)

    assert result.status == ScanStatus.CLEAN
    assert result.usable
    assert clamd_tcp.commands == [b"zINSTREAM\0"]
    assert clamd_tcp.chunks == [65536, 65536, 65536, 200_009 - 3 * 65536]


def test_a_found_virus_is_infected_with_its_name(clamd_tcp):
    result = scan(b"hello " + MARKER + b" world")

    assert result.status == ScanStatus.INFECTED
    assert result.signature == "Test.Marker-1"
    assert not result.usable


def test_a_clamd_error_leaves_the_scan_pending(clamd_tcp):
    clamd_tcp.max_stream = 10

    result = scan(b"x" * 1000)

    assert result.status == ScanStatus.PENDING
    assert "size limit exceeded" in result.detail


def test_a_silent_clamd_times_out_to_pending(clamd_tcp, settings):
    clamd_tcp.hang = True
    settings.PIECES_CLAMD_TIMEOUT = 0.3

    result = scan(b"anything")

    assert result.status == ScanStatus.PENDING
    assert not result.usable


def test_an_unreachable_clamd_is_pending_never_clean(settings):
    with socket.socket() as probe:  # a port nobody listens on any more
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.PIECES_CLAMD_SOCKET = ""
    settings.PIECES_CLAMD_HOST, settings.PIECES_CLAMD_PORT = "127.0.0.1", port
    settings.PIECES_CLAMD_TIMEOUT = 1

    result = scan(b"anything")

    assert result.status == ScanStatus.PENDING
    assert result.detail
    assert not ping()


def test_the_unix_socket_is_used_when_set(settings, tmp_path):
    path = str(tmp_path / "clamd.sock")
    server = socketserver.ThreadingUnixStreamServer(path, FakeClamd)
    server.daemon_threads = True
    _serve(server)
    settings.PIECES_CLAMD_SOCKET, settings.PIECES_CLAMD_HOST = path, ""
    try:
        assert scan(MARKER).status == ScanStatus.INFECTED
        assert scan(b"fine").status == ScanStatus.CLEAN
        assert ping()
    finally:
        server.shutdown()
        server.server_close()


def test_without_settings_the_scan_is_disabled(settings):
    settings.PIECES_CLAMD_SOCKET = settings.PIECES_CLAMD_HOST = ""

    result = scan(b"anything")

    assert result.status == ScanStatus.DISABLED
    assert result.usable
    assert not ping()


def test_a_file_is_sent_in_chunks_from_its_start(clamd_tcp, tmp_path):
    """The upload path hands the clean file, not its bytes: read in chunks, never whole."""
    path = tmp_path / "clean.pdf"
    path.write_bytes(b"%PDF-1.7 " + b"x" * 200_000 + MARKER)
    with path.open("rb") as file:
        file.seek(1000)  # wherever the file was left, it is read from the start
        result = scan(file)

    assert result.status == ScanStatus.INFECTED
    assert clamd_tcp.chunks == [65536, 65536, 65536, 200_028 - 3 * 65536]
