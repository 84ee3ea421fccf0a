"""Optional antivirus scan through a clamd daemon (ClamAV), in its INSTREAM protocol.

The protocol is small enough to speak directly over a socket: send ``zINSTREAM\\0``, then the
data in chunks each prefixed by its length (4 bytes, big-endian), then a zero length; clamd
answers ``stream: OK`` or ``stream: <signature> FOUND``, ``\\0``-terminated.

It fails closed: when clamd is configured but cannot give an answer (down, slow, an error), the
result is PENDING, never CLEAN, so the caller keeps the file out of reviewers' hands and scans
it again later. With no clamd configured (PIECES_CLAMD_SOCKET and PIECES_CLAMD_HOST empty), the
result is DISABLED.
"""

import logging
import socket
import struct
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024
MAX_REPLY_BYTES = 4096


class ScanStatus(models.TextChoices):
    CLEAN = "clean", _("No virus found")
    INFECTED = "infected", _("Virus found")
    PENDING = "pending", _("Scan pending")
    DISABLED = "disabled", _("No antivirus configured")


@dataclass(frozen=True)
class ScanResult:
    status: ScanStatus
    signature: str = ""  # the virus name, when INFECTED
    detail: str = ""  # why the scan is PENDING, for logs and staff

    @property
    def usable(self) -> bool:
        """True when the file may be shown to reviewers now."""
        return self.status in (ScanStatus.CLEAN, ScanStatus.DISABLED)


class ClamdError(Exception):
    pass


def _connect(timeout: float) -> socket.socket:
    if settings.PIECES_CLAMD_SOCKET:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(timeout)
        connection.connect(settings.PIECES_CLAMD_SOCKET)
        return connection
    return socket.create_connection(
        (settings.PIECES_CLAMD_HOST, settings.PIECES_CLAMD_PORT), timeout=timeout
    )


def _reply(connection: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\0") and len(reply) < MAX_REPLY_BYTES:
        chunk = connection.recv(1024)
        if not chunk:
            break
        reply += chunk
    if not reply:
        raise ClamdError("clamd closed the connection without answering")
    return reply.rstrip(b"\0\n").decode("utf-8", "replace")


def _chunks(data):
    """Bytes or a seekable binary file (read from its start), CHUNK_SIZE at a time."""
    if isinstance(data, bytes | bytearray | memoryview):
        view = memoryview(data)
        return (view[start : start + CHUNK_SIZE] for start in range(0, len(view), CHUNK_SIZE))
    data.seek(0)
    return iter(lambda: data.read(CHUNK_SIZE), b"")


def _talk(command: bytes, data=None) -> str:
    with _connect(settings.PIECES_CLAMD_TIMEOUT) as connection:
        connection.sendall(b"z" + command + b"\0")
        if data is not None:
            try:
                for chunk in _chunks(data):
                    connection.sendall(struct.pack(">I", len(chunk)) + chunk)
                connection.sendall(struct.pack(">I", 0))
            except OSError as error:
                # clamd answers and hangs up early on some errors (size limit): read why.
                try:
                    return _reply(connection)
                except (OSError, ClamdError):
                    raise error from None
        return _reply(connection)


def enabled() -> bool:
    return bool(settings.PIECES_CLAMD_SOCKET or settings.PIECES_CLAMD_HOST)


def scan(data) -> ScanResult:
    """Scans bytes or a seekable binary file with clamd (a file is sent in chunks, never read
    whole); never raises, never says CLEAN without clamd saying OK."""
    if not enabled():
        return ScanResult(ScanStatus.DISABLED)
    try:
        reply = _talk(b"INSTREAM", data)
    except (OSError, ClamdError) as error:
        logger.warning("antivirus unreachable, scan left pending: %r", error)
        return ScanResult(ScanStatus.PENDING, detail=str(error) or type(error).__name__)
    # "stream: OK", "stream: Eicar-Signature FOUND", "INSTREAM size limit exceeded. ERROR"
    _, _, verdict = reply.partition(": ")
    if verdict == "OK":
        return ScanResult(ScanStatus.CLEAN)
    if verdict.endswith(" FOUND"):
        signature = verdict.removesuffix(" FOUND")
        logger.warning("antivirus found %s", signature)
        return ScanResult(ScanStatus.INFECTED, signature=signature)
    logger.warning("antivirus error, scan left pending: %s", reply)
    return ScanResult(ScanStatus.PENDING, detail=reply)


def ping() -> bool:
    """For health checks: does clamd answer PONG?"""
    if not enabled():
        return False
    try:
        return _talk(b"PING") == "PONG"
    except (OSError, ClamdError):
        return False
