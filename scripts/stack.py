"""The production stack of docker-compose.yml without Docker, on loopback: what `make smoke`
(scripts/smoke.py) and the two-host run (scripts/two_hosts.py) both start and stop.

SeaweedFS (`weed server -s3`, a real S3 store) and an SMTP sink (aiosmtpd) are started here;
then the compose file's own commands, read from it: `migrate` (migrations and ensure_storage),
`web` (gunicorn, production settings), `worker` and `beat` (Celery). PostgreSQL and Redis are
the machine's (already running): the run creates its own database and empties its own two
Redis databases.

Environment: SMOKE_DATABASE_URL (default: DATABASE_URL's server, database `<name>_smoke`),
SMOKE_REDIS_URL and SMOKE_BROKER_URL (default REDIS_URL and CELERY_BROKER_URL: both are
FLUSHED), SMOKE_PORT (first of 20 ports, default 8500).
"""

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402 (after the path: the checkout's packages)

from tests.servers import SeaweedFS, SmtpSink  # noqa: E402

VENV_BIN = Path(sys.executable).parent
BUCKET = "ecandidat-smoke"
STARTED = time.monotonic()


def step(text: str):
    print(f"[{time.monotonic() - STARTED:6.1f}s] {text}", flush=True)


class SmokeFailure(AssertionError):
    pass


def check(condition, message: str):
    if not condition:
        raise SmokeFailure(message)


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise SmokeFailure(f"timed out after {timeout:.0f}s waiting for {what}")


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 code (SHA-1, 30 s, 6 digits), what an authenticator app shows."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int((at or time.time()) // 30))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{code % 1_000_000:06d}"


# --- The stack ------------------------------------------------------------------------------


class Stack:
    def __init__(self, workdir: Path, port: int, *, proxies: int = 0):
        """``port``: first of 20 (the site on ``port``, the sink on +2, SeaweedFS from +4,
        its gRPC ports from +14). ``proxies``: reverse proxies in front of gunicorn (the
        application's ALLAUTH_TRUSTED_PROXY_COUNT)."""
        self.workdir = workdir
        self.port = port
        self.proxies = proxies
        self.site = f"https://127.0.0.1:{port}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.extra_env: dict[str, str] = {}  # what a particular run adds (e.g. CSRF origins)
        self.compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
        base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ecandidat")
        default_db = base.rsplit("/", 1)[0] + "/" + base.rsplit("/", 1)[1] + "_smoke"
        self.database_url = os.environ.get("SMOKE_DATABASE_URL", default_db)
        self.redis_url = os.environ.get("SMOKE_REDIS_URL", os.environ.get("REDIS_URL", ""))
        self.broker_url = os.environ.get(
            "SMOKE_BROKER_URL", os.environ.get("CELERY_BROKER_URL", "")
        )
        check(self.redis_url and self.broker_url, "set REDIS_URL and CELERY_BROKER_URL")
        check(self.redis_url != self.broker_url, "the cache and the broker need two databases")

    # The environment docker-compose gives the app containers, pointed at loopback; nothing
    # of the caller's environment that would change a production setting goes through.
    def env(self) -> dict[str, str]:
        kept = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(
                (
                    "DJANGO_",
                    "AWS_",
                    "CELERY_",
                    "PIECES_",
                    "NOTIFICATIONS_",
                    "ALLAUTH_",
                    "SECURE_",
                    "CSRF_",
                )
            )
            and k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "EMAIL_URL", "STAFF_MFA_REQUIRED"}
        }
        return {
            **kept,
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "ECANDIDAT_ENV": "production",
            "ECANDIDAT_VAR_DIR": str(self.workdir / "var"),
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": self.database_url,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": self.site,
            "REDIS_URL": self.redis_url,
            "CELERY_BROKER_URL": self.broker_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp.port}",
            "DEFAULT_FROM_EMAIL": "ecandidat <no-reply@smoke.example.org>",
            "ALLAUTH_TRUSTED_PROXY_COUNT": str(self.proxies),
            **self.seaweed.environment(BUCKET),
            **self.extra_env,
        }

    def manage(self, *args, check_ok=True, env=None) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env(), **(env or {})},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check_ok and result.returncode != 0:
            raise SmokeFailure(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
            )
        return result

    def shell(self, code: str) -> str:
        """Runs Python in the application: reads for the checks, never an action of the journey."""
        return self.manage("shell", "-v", "0", "-c", code).stdout.strip()

    def compose_command(self, service: str) -> list[str]:
        return list(self.compose[service]["command"])

    def start(self, name: str, argv: list[str], **extra_env) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "wb")  # noqa: SIM115 - the process keeps it
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**self.env(), **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self, name: str):
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self):
        for name in reversed(list(self.processes)):
            self.stop(name)

    def flush_redis(self):
        import redis

        for url in (self.redis_url, self.broker_url):
            redis.Redis.from_url(url).flushdb()

    def psql(self, *sql: str):
        server = self.database_url.rsplit("/", 1)[0] + "/postgres"
        for statement in sql:
            subprocess.run(["psql", server, "-q", "-c", statement], check=True, capture_output=True)

    @property
    def database_name(self) -> str:
        return urllib.parse.urlparse(self.database_url).path.lstrip("/")

    def recreate_database(self):
        name = self.database_name
        check(re.fullmatch(r"[a-z0-9_]+", name), f"unexpected database name {name}")
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')

    def tls(self):
        self.cert, self.key = self.workdir / "cert.pem", self.workdir / "key.pem"
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", str(self.key), "-out", str(self.cert),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        self.ssl_context = ssl.create_default_context(cafile=str(self.cert))

    def http(self, path: str, site: str | None = None) -> tuple[int, bytes, dict]:
        request = urllib.request.Request((site or self.site) + path)  # noqa: S310 - loopback
        try:
            with urllib.request.urlopen(request, context=self.ssl_context, timeout=10) as answer:  # noqa: S310
                return answer.status, answer.read(), dict(answer.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)
        except OSError:
            return 0, b"", {}


def static_files(stack: Stack):
    """Links var/static to a cache named by what goes into it (the project's and the apps'
    static folders, the pinned packages, Python); starts collectstatic into it when it is not complete."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    digest = hashlib.sha256(sys.version.encode())
    digest.update(json.dumps(project["dependencies"]).encode())  # the packages shipping static
    folders = [ROOT / "static", *sorted(ROOT.glob("*/static"))]  # the project's and each app's
    for path in sorted(p for folder in folders for p in folder.rglob("*")):
        if path.is_file() and not {".venv", "var"} & set(path.relative_to(ROOT).parts):
            digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    caches = ROOT / "var" / "smoke-static"
    stack.static_cache = caches / digest.hexdigest()[:16]
    for old in caches.glob("*"):
        if old.stem != stack.static_cache.name:
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink()
    (stack.workdir / "var").mkdir(exist_ok=True)
    (stack.workdir / "var" / "static").symlink_to(stack.static_cache, target_is_directory=True)
    if stack.static_cache.with_suffix(".complete").exists():
        step(f"static files: cached build {stack.static_cache.name} (same sources)")
        return None
    shutil.rmtree(stack.static_cache, ignore_errors=True)
    stack.static_cache.mkdir(parents=True)
    return stack.start("collectstatic", [sys.executable, "manage.py", "collectstatic", "--noinput"])


def start_services(stack: Stack):
    """SeaweedFS, the sink, the static files (started), a fresh database and empty Redis
    databases, then the compose file's `migrate` service. Returns collectstatic's process
    (None when the cached build is complete): give it to ``static_files_done``."""
    stack.secret_key = secrets.token_urlsafe(50)
    stack.tls()
    stack.smtp = SmtpSink(port=stack.port + 2).start()
    stack.seaweed = SeaweedFS(stack.workdir / "seaweedfs", base_port=stack.port + 4)
    stack.seaweed.start()
    step(f"SeaweedFS S3 on {stack.seaweed.endpoint}, SMTP sink on 127.0.0.1:{stack.smtp.port}")
    # Static files take the longest (hashing and compressing 2,000 files): built while the
    # rest starts, and kept between runs for the same sources, as an image build would be.
    collect = static_files(stack)
    stack.recreate_database()
    stack.flush_redis()
    step(f"database {stack.database_name} created, Redis databases emptied")

    # The compose file's one-shot service, as it is written there.
    migrate = subprocess.run(
        stack.compose_command("migrate"), cwd=ROOT, env=stack.env(), capture_output=True, text=True
    )
    check(migrate.returncode == 0, f"migrate service failed:\n{migrate.stdout}{migrate.stderr}")
    check(f"bucket {BUCKET}: created, private" in migrate.stdout, migrate.stdout)
    again = stack.manage("ensure_storage").stdout
    check(f"bucket {BUCKET}: already there, private" in again, again)
    step("migrate service: migrations applied; " + again.strip())
    return collect


def static_files_done(stack: Stack, collect):
    if collect is not None:
        check(
            collect.wait(timeout=300) == 0, "collectstatic failed:\n" + stack.log("collectstatic")
        )
        stack.processes.pop("collectstatic")
        stack.static_cache.with_suffix(".complete").touch()


def start_workers(stack: Stack):
    """The compose file's `worker` and `beat`, as written there (beat's schedule file moved)."""
    beat = stack.compose_command("beat")
    schedule = beat.index("/tmp/celerybeat-schedule")  # noqa: S108 - the compose file's path
    beat[schedule] = str(stack.workdir / "celerybeat-schedule")
    stack.start("worker", stack.compose_command("worker"))
    stack.start("beat", beat)


def start_web(stack: Stack, name: str, port: int, *, tls: bool):
    """The compose file's `web` command bound to 127.0.0.1:``port``; with ``tls``, gunicorn
    serves HTTPS itself (no proxy in front), else plain HTTP for a proxy that terminates TLS."""
    web = stack.compose_command("web")
    check(web[0] == "gunicorn" and "0.0.0.0:8000" in web, f"unexpected web command {web}")
    web[web.index("0.0.0.0:8000")] = f"127.0.0.1:{port}"
    if tls:
        web += ["--certfile", str(stack.cert), "--keyfile", str(stack.key)]
    return stack.start(name, web)


def start_demo(stack: Stack) -> subprocess.Popen:
    """`manage.py demo` with the production settings, as every other process: the staff and
    reviewer accounts it prints each get a TOTP authenticator whose secret it prints once."""
    return stack.start("demo", [sys.executable, "manage.py", "demo"])


def demo_secrets(stack: Stack, demo: subprocess.Popen) -> dict[str, str]:
    """Waits for the demo; {login: TOTP secret} as it printed them."""
    check(demo.wait(timeout=180) == 0, "manage.py demo failed:\n" + stack.log("demo"))
    stack.processes.pop("demo")
    printed = re.findall(r"(\S+@\S+) / \S+ \(TOTP secret ([A-Z2-7]+)\)", stack.log("demo"))
    check(printed, "manage.py demo printed no TOTP secret:\n" + stack.log("demo"))
    return dict(printed)


def stop_everything(stack: Stack, ports):
    """Stops every process started, SeaweedFS and the sink; then no port of the run answers."""
    stack.stop_all()
    if getattr(stack, "seaweed", None):
        stack.seaweed.stop()
    if getattr(stack, "smtp", None):
        stack.smtp.stop()
    for port in ports:
        with socket.socket() as probe:
            check(probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still answers")


def remove_data(stack: Stack):
    if getattr(stack, "seaweed", None):
        stack.flush_redis()
        stack.psql(f'DROP DATABASE IF EXISTS "{stack.database_name}" WITH (FORCE)')
