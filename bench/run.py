"""Deadline-day load: every candidate page against the two floors, in the same run.

    python bench/run.py [--quick]          (what `make bench` runs; ~10 minutes)

For each data scale (1x and 10x candidates, each in a fresh database built by
``manage.py bench_data``): gunicorn with production settings (ECANDIDAT_ENV=production,
PostgreSQL, sessions and cache in Redis, 4 sync workers) on loopback, loaded by wrk (16
connections, 8 s per page) cycling through real sessions of different candidates. The pages
and the floors are measured in interleaved rounds, and each page's ratios are taken to the
floors *of the same round*, then the median over rounds: on a shared machine the absolute
figures move with the neighbours' load, the ratios much less. Writes bench/results/latest.md
and bench/results/latest.json. Figures, not assertions; CI does not run it.
"""

import argparse
import csv
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
RESULTS = ROOT / "bench" / "results"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Phases:
    """How long each phase of the run took: logged as each one ends, kept for the report."""

    def __init__(self):
        self.done: list[dict] = []

    @contextmanager
    def __call__(self, name: str):
        log(name)
        started = time.monotonic()
        try:
            yield
        finally:
            self.add(name, time.monotonic() - started)

    def add(self, name: str, seconds: float) -> None:
        self.done.append({"phase": name, "seconds": round(seconds, 1)})
        log(f"{name}: {seconds:.1f} s")


def database_url(base: str, suffix: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path}_{suffix}"))


def recreate_database(url: str, template: str | None = None) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    like = f' TEMPLATE "{urlsplit(template).path.lstrip("/")}"' if template else ""
    for statement in (
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}"{like}',
    ):
        subprocess.run(["psql", admin, "-qc", statement], check=True, capture_output=True)


# The job and mail runs' processes as production runs its workers: DEBUG off (the embedded
# default logs every query, a fifth of a mail's delivery) and connections kept.
WORKER_ENV = {"DEBUG": "false", "CONN_MAX_AGE": "60"}


class Site:
    """One data scale: its database, its files, its gunicorn."""

    def __init__(self, args, scale: int):
        self.args, self.scale = args, scale
        self.candidates = args.candidates * scale
        self.url = database_url(args.database_url, f"{scale}x")
        self.var = Path(args.work) / f"{scale}x"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "REDIS_URL": args.redis_url,
            "CELERY_BROKER_URL": args.redis_url,
            "ECANDIDAT_BENCH": "true",
            "ECANDIDAT_VAR_DIR": str(self.var),
            "LOG_LEVEL": "WARNING",
        }
        self.production = {
            **self.env,
            "ECANDIDAT_ENV": "production",
            "SECRET_KEY": "bench-only-" + "k" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
            "SITE_URL": f"http://127.0.0.1:{args.port}",
            "EMAIL_URL": "smtp://127.0.0.1:2599",
        }
        self.server = None

    def manage(self, *command, production=False, url=None) -> str:
        env = self.production if production else self.env
        if url:
            env = {**env, "DATABASE_URL": url}
        done = subprocess.run(
            [PY, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(f"manage.py {' '.join(command)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    @staticmethod
    def migrate_template(args) -> None:
        """Migrated once into a template database; each scale starts as a copy of it."""
        template = database_url(args.database_url, "template")
        recreate_database(template)
        Site(args, 1).manage("migrate", "--noinput", "-v0", url=template)

    @staticmethod
    def collect_static(args) -> subprocess.Popen:
        """One collectstatic per run, shared by the scales, started in the background: it
        compresses the DSFR (about a minute of one core) while the data is written."""
        static = Path(args.work) / "static"
        shutil.rmtree(static, ignore_errors=True)
        static.mkdir(parents=True)
        with (Path(args.work) / "collectstatic.log").open("w") as output:
            return subprocess.Popen(
                [PY, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=ROOT,
                env=Site(args, 1).production,  # its static/ is the shared folder
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def prepare(self) -> None:
        """A fresh folder for the scale's files; its static/ is the run's shared one. The last
        run's folder is moved aside (``.<scale>-old-<pid>``), to be deleted in the background:
        the 10x one holds 125,000 files, two minutes of rmtree on a busy disk."""
        if self.var.exists():
            self.var.rename(self.var.with_name(f".{self.var.name}-old-{os.getpid()}"))
        self.var.mkdir(parents=True)
        (self.var / "static").symlink_to(Path(self.args.work) / "static")

    def build(self) -> dict:
        """The scale's database (a copy of the template) and its bench data."""
        started = time.monotonic()
        recreate_database(self.url, template=database_url(self.args.database_url, "template"))
        copied = time.monotonic()
        line = self.manage("bench_data", "--candidates", str(self.candidates)).strip()
        log(line)
        return {
            "candidates": self.candidates,
            "summary": line,
            "migrate_s": round(copied - started, 1),
            "bench_data_s": round(time.monotonic() - copied, 1),
        }

    def targets(self) -> dict:
        folder = self.var / "targets"
        out = self.manage(
            "bench_targets",
            "--sessions",
            str(self.args.sessions),
            "--out",
            str(folder),
            production=True,
        )
        return json.loads(out.strip().splitlines()[-1])

    def start(self) -> None:
        self.server = subprocess.Popen(
            [
                str(Path(PY).parent / "gunicorn"),
                "ecandidat.wsgi",
                "--workers",
                str(self.args.workers),
                "--bind",
                f"127.0.0.1:{self.args.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.production,
            start_new_session=True,
        )
        for _ in range(100):
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{self.args.port}/bench/floor/",
                    headers={"X-Forwarded-Proto": "https"},
                )
                with urllib.request.urlopen(request, timeout=2):  # noqa: S310 (loopback)
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def stop(self) -> None:
        if self.server and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            self.server.wait(timeout=30)

    def load(self, name: str, seconds: float) -> dict:
        folder = self.var / "targets"
        files = json.loads((folder / "pages.json").read_text())
        cookie = (folder / "cookie.txt").read_text().strip()
        env = {**os.environ, "TARGETS": str(folder / files[name]), "COOKIE_NAME": cookie}
        done = subprocess.run(
            [
                "wrk",
                "-t",
                str(self.args.threads),
                "-c",
                str(self.args.connections),
                "-d",
                f"{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(ROOT / "bench" / "wrk" / "pages.lua"),
                f"http://127.0.0.1:{self.args.port}",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["rps"] = result["requests"] / result["seconds"]
        self.drain()
        return result

    def drain(self) -> None:
        """Waits until the requests wrk left behind are served: a slow page's backlog would
        otherwise be charged to the next page measured."""
        for _ in range(self.args.workers + 1):
            request = urllib.request.Request(
                f"http://127.0.0.1:{self.args.port}/bench/floor/",
                headers={"X-Forwarded-Proto": "https"},
            )
            with urllib.request.urlopen(request, timeout=120):  # noqa: S310 (loopback)
                pass


def locust_mix(site: "Site", classes: list[str], users: int, seconds: int) -> dict:
    """One headless locust run of ``classes`` (bench/locustfile.py); per request name:
    requests, failures, req/s, p50, p95, p99 (ms)."""
    folder = site.var / "locust"
    folder.mkdir(exist_ok=True)
    prefix = folder / "_".join(classes)
    done = subprocess.run(
        [
            str(Path(PY).parent / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "-H",
            f"http://127.0.0.1:{site.args.port}",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{seconds}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            *classes,
        ],
        cwd=folder,
        env={**os.environ, "BENCH_TARGETS": str(site.var / "targets" / "locust.json")},
        capture_output=True,
        text=True,
    )
    stats = {}
    path = Path(f"{prefix}_stats.csv")
    if not path.exists():
        return {"error": done.stderr[-2000:]}
    for row in csv.DictReader(path.open()):
        if row["Name"] == "Aggregated":
            continue
        stats[f"{row['Type']} {row['Name']}"] = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]),
            "p50": float(row["50%"]),
            "p95": float(row["95%"]),
            "p99": float(row["99%"]),
        }
    site.drain()
    return {"users": users, "seconds": seconds, "classes": classes, "stats": stats}


def run_json(script: str, *args: str, env: dict) -> dict:
    """Runs a bench script that prints one JSON line last; its output if it fails."""
    started = time.monotonic()
    done = subprocess.run(
        [PY, str(ROOT / "bench" / script), *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    lines = done.stdout.strip().splitlines()
    try:
        result = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        result = {"error": (done.stdout + done.stderr)[-3000:]}
    result["wall_s"] = round(time.monotonic() - started, 1)
    return result


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def measure(site: Site, pages: list[str], rounds: int, seconds: float) -> dict:
    """Interleaved rounds; per round, each page's ratios to that round's floors."""
    runs: dict[str, list[dict]] = {name: [] for name in pages}
    for name in pages:  # warm every worker's caches (templates, connections)
        site.load(name, 1)
    for number in range(rounds):
        log(f"round {number + 1}/{rounds} ({site.scale}x)")
        for name in pages:
            runs[name].append(site.load(name, seconds))
    results = {}
    for name in pages:
        own = runs[name]
        bare = runs["bare floor"]
        auth = runs["authenticated floor"]
        results[name] = {
            "rps": statistics.median(r["rps"] for r in own),
            "p50": statistics.median(r["p50"] for r in own),
            "p95": statistics.median(r["p95"] for r in own),
            "p99": statistics.median(r["p99"] for r in own),
            "non200": sum(r["non200"] for r in own),
            "socket_errors": sum(r["socket_errors"] for r in own),
            "requests": sum(r["requests"] for r in own),
            "to_bare": statistics.median(
                ratio(o["rps"], b["rps"]) for o, b in zip(own, bare, strict=True)
            ),
            "to_auth": statistics.median(
                ratio(o["rps"], a["rps"]) for o, a in zip(own, auth, strict=True)
            ),
            "p95_to_auth": statistics.median(
                ratio(o["p95"], a["p95"]) for o, a in zip(own, auth, strict=True)
            ),
            "rounds_rps": [round(r["rps"], 1) for r in own],
            "rounds": own,
        }
    return results


def clear_rate_limits(url: str) -> None:
    """The mixes submit and upload from one address, as many candidates: the production rate
    limits (60 submissions an hour per address) would refuse a second run within the hour,
    whose counters live on in the bench's Redis. Each run starts the mixes with none."""
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match="*allauth:rl:*", count=1000))
    if keys:
        client.delete(*keys)
    log(f"rate-limit counters cleared before the mixes: {len(keys)}")


def next_redis_db(url: str) -> str:
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{number + 1}"))


def machine() -> dict:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    postgres = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory) / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "wrk": wrk.strip(),
        "postgres": postgres,
    }


def extra_bench(script: str, *args: str, env: dict) -> str:
    done = subprocess.run(
        [PY, str(ROOT / "bench" / script), *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return (done.stdout + done.stderr).strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ecandidat_bench"
        ),
        help="base name: _1x and _10x are appended (dropped and created)",
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8600")))
    parser.add_argument(
        "--candidates", type=int, default=1000, help="at 1x; 10x has ten times more"
    )
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5, help="per page and round at 10x")
    parser.add_argument("--seconds-1x", type=float, default=4, help="per page at 1x")
    parser.add_argument("--rounds", type=int, default=2, help="at 10x (1x: one round)")
    parser.add_argument("--work", default=str(ROOT / "var" / "bench"))
    parser.add_argument(
        "--jobs-redis-url",
        default=os.environ.get("BENCH_JOBS_REDIS_URL", ""),
        help="broker of the job and mail runs (flushed); default: BENCH_REDIS_URL's next db",
    )
    parser.add_argument("--locust-users", type=int, default=8)
    parser.add_argument("--locust-seconds", type=int, default=25)
    parser.add_argument("--purge", type=int, default=100_000)
    parser.add_argument("--publish", type=int, default=2_000)
    parser.add_argument("--expire", type=int, default=1_000)
    parser.add_argument("--mails", type=int, default=4_000)
    parser.add_argument("--skip", default="", help="comma-separated: pages,mixes,memory,jobs,mails")
    parser.add_argument("--quick", action="store_true", help="1x only, one round of 3 s")
    parser.add_argument(
        "--reuse", action="store_true", help="load only: the databases and sessions of the last run"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2

    latest = RESULTS / "latest.json"
    previous_report = json.loads(latest.read_text()) if latest.exists() else {}
    started = datetime.now(UTC)
    report = {"machine": machine(), "started": started.isoformat(timespec="seconds"), "scales": {}}
    report["load_before"] = os.getloadavg()
    skip = set(filter(None, args.skip.split(",")))
    jobs_redis = args.jobs_redis_url or next_redis_db(args.redis_url)
    scales = [1] if args.quick else [1, 10]
    phase = Phases()
    sites = {scale: Site(args, scale) for scale in scales}
    built = {}
    if args.reuse:
        for scale in sites:
            previous = previous_report.get("scales", {}).get(f"{scale}x")
            if previous:
                log(f"reusing the {scale}x data and sessions of the previous run")
                built[scale] = (previous["data"], previous["queries"])
    todo = [site for scale, site in sites.items() if scale not in built]
    if todo:
        # Nothing is measured yet: the scales' data, collectstatic and then the targets run
        # side by side (the 10x data alone took 22-67 s, collectstatic a minute).
        with phase("migrate (template database)"):
            Site.migrate_template(args)
        with phase(f"bench data ({', '.join(f'{s.scale}x' for s in todo)}) and collectstatic"):
            for site in todo:
                site.prepare()
            old = list(Path(args.work).glob(".*-old-*"))  # this run's, and any a crash left
            static = Site.collect_static(args)
            with ThreadPoolExecutor(len(todo) + len(old)) as pool:
                removed = pool.map(shutil.rmtree, old)
                data = dict(zip(todo, pool.map(Site.build, todo), strict=True))
                list(removed)
            if static.wait():
                log_file = Path(args.work) / "collectstatic.log"
                raise SystemExit(f"collectstatic failed:\n{log_file.read_text()[-3000:]}")
        with (
            phase("sessions and query counts (bench_targets)"),
            ThreadPoolExecutor(len(todo)) as pool,
        ):
            queries = dict(zip(todo, pool.map(Site.targets, todo), strict=True))
        for site in todo:
            built[site.scale] = (data[site], queries[site])
    for scale in scales:
        site = sites[scale]
        data, queries = built[scale]
        pages = list(queries)
        last = scale == scales[-1]
        with phase(f"gunicorn start ({scale}x)"):
            site.start()
        try:
            rounds = 1 if (scale == 1 or args.quick) else args.rounds
            seconds = 3 if args.quick else (args.seconds_1x if scale == 1 else args.seconds)
            load = {}
            if "pages" not in skip:
                with phase(f"pages ({scale}x, {rounds} round(s) of {seconds:g} s)"):
                    load = measure(site, pages, rounds, seconds)
            if last and "mixes" not in skip:
                clear_rate_limits(args.redis_url)
                mixes = {}
                for label, classes, users in (
                    ("candidate", ["CandidateUser"], args.locust_users),
                    ("reviewer", ["ReviewerUser"], args.locust_users),
                    ("staff", ["StaffUser"], max(args.locust_users // 2, 1)),
                ):
                    with phase(f"locust: {label} mix ({users} users, {args.locust_seconds} s)"):
                        mixes[label] = locust_mix(site, classes, users, args.locust_seconds)
                report["mixes"] = {"scale": f"{scale}x", **mixes}
            if last and "memory" not in skip:
                with phase("upload memory: 5 MB uploads"):
                    report["upload_memory"] = run_json(
                        "upload_memory.py",
                        "--port",
                        str(args.port),
                        "--pid",
                        str(site.server.pid),
                        "--targets",
                        str(site.var / "targets" / "locust.json"),
                        env=site.env,
                    )
        finally:
            site.stop()
        report["scales"][f"{scale}x"] = {"data": data, "queries": queries, "load": load}
        if last and "jobs" not in skip:
            with phase(f"jobs: purge {args.purge}, publish {args.publish}, expire {args.expire}"):
                report["jobs"] = run_json(
                    "jobs_timing.py",
                    "--purge",
                    str(args.purge),
                    "--publish",
                    str(args.publish),
                    "--expire",
                    str(args.expire),
                    "--broker",
                    jobs_redis,
                    env={**site.env, **WORKER_ENV},
                )
            report["jobs"]["scale"] = f"{scale}x"
            report["jobs"]["load"] = os.getloadavg()
    if "mails" not in skip:
        one = Site(args, 1)
        mails_started = time.monotonic()
        with phase(f"mails: {args.mails} to a loopback sink, one worker process"):
            done = subprocess.run(
                [
                    PY,
                    str(ROOT / "bench" / "notifications_throughput.py"),
                    "--count",
                    str(args.mails),
                    "--broker",
                    jobs_redis,
                    "--smtp-port",
                    str(args.port + 9),
                ],
                cwd=ROOT,
                env={**one.env, **WORKER_ENV},
                capture_output=True,
                text=True,
            )
        lines = [
            line for line in done.stdout.splitlines() if line.startswith(("queued", "delivered"))
        ]
        report["mails"] = {
            "lines": lines or [done.stderr[-2000:]],
            "wall_s": round(time.monotonic() - mails_started, 1),
            "load": os.getloadavg(),
        }
    report["load_after"] = os.getloadavg()
    report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    report["total_s"] = round((datetime.now(UTC) - started).total_seconds())
    report["phases"] = phase.done
    report["settings"] = {
        "workers": args.workers,
        "connections": args.connections,
        "threads": args.threads,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "sessions": args.sessions,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2))
    (RESULTS / "latest.md").write_text(markdown(report))
    log(f"wrote {RESULTS / 'latest.md'}")
    return 0


def markdown(report: dict) -> str:
    m = report["machine"]
    s = report["settings"]
    lines = [
        "# Benchmark results",
        "",
        f"Run {report['started']} → {report['finished']} (UTC) by `make bench` (bench/run.py).",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, Linux {m['kernel']}, "
        f"Python {m['python']}, {m['postgres']}, {m['wrk']}. Load average before "
        f"{report['load_before'][0]:.2f}, after {report['load_after'][0]:.2f}: the machine "
        "may be shared, so read the ratios (same round) rather than the absolute figures. "
        f"Whole run: {report.get('total_s', 0) / 60:.1f} minutes.",
        "",
        f"gunicorn, {s['workers']} sync workers, production settings (PostgreSQL, sessions and "
        f"cache in Redis), loopback; wrk {s['connections']} connections, {s['threads']} "
        f"threads, {s['seconds']:g} s per page and round, requests spread over "
        f"{s['sessions']} signed-in candidates (each with one of their own applications).",
        "",
    ]
    if report.get("phases"):
        lines += ["## Phases", "", "| phase | time |", "| --- | --- |"]
        lines += [f"| {p['phase']} | {p['seconds']:.1f} s |" for p in report["phases"]]
        lines += [f"| whole run | {report.get('total_s', 0):.0f} s |", ""]
    for scale, block in report["scales"].items():
        data, load, queries = block["data"], block["load"], block["queries"]
        if not load:
            continue
        rounds = len(next(iter(load.values()))["rounds_rps"])
        lines += [
            f"## {scale}: {data['candidates']:,} candidates",
            "",
            f"Data: {data['summary']} (database copied from the migrated template in "
            f"{data['migrate_s']} s).",
            "",
            f"Medians over {rounds} round(s); ratios taken within each round.",
            "",
            "| page | queries | req/s | × bare floor | × auth floor | p50 ms | p95 ms | p99 ms "
            "| p95 × auth floor | non-200 | socket errors |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for name, r in load.items():
            q = queries[name]
            count = str(q["max"]) if q["max"] == q["min"] else f"{q['min']}–{q['max']}"
            lines.append(
                f"| {name} | {count} | {r['rps']:,.0f} | {r['to_bare']:.2f} | {r['to_auth']:.2f} "
                f"| {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {r['p95_to_auth']:.2f} "
                f"| {r['non200']} | {r['socket_errors']} |"
            )
        lines.append("")
    if len(report["scales"]) > 1 and all(b["load"] for b in report["scales"].values()):
        one, ten = report["scales"]["1x"], report["scales"]["10x"]
        lines += [
            "## Cost growth (1x → 10x)",
            "",
            "| page | queries 1x | queries 10x | p95 ms 1x | p95 ms 10x |",
            "| --- | --- | --- | --- | --- |",
        ]
        for name in ten["load"]:
            lines.append(
                f"| {name} | {one['queries'][name]['max']} | {ten['queries'][name]['max']} "
                f"| {one['load'][name]['p95']:.1f} | {ten['load'][name]['p95']:.1f} |"
            )
        lines.append("")
    lines += mixes_markdown(report)
    lines += jobs_markdown(report)
    for title, text in report.get("extra", {}).items():
        lines += [f"## {title}", "", "```", text, "```", ""]
    return "\n".join(lines)


def mixes_markdown(report: dict) -> list[str]:
    mixes = report.get("mixes")
    if not mixes:
        return []
    auth = report["scales"][mixes["scale"]]["load"].get("authenticated floor", {})
    floor = auth.get("rps")
    lines = [
        f"## Mixes (locust, headless, {mixes['scale']} data)",
        "",
        "Each mix alone against the same gunicorn; users wait 0.2–0.5 s between requests. "
        "Candidate: sign in (the real form, PBKDF2), then dashboard, one of their "
        "applications, dossier, and now and then a 1 MB PDF uploaded to a draft of theirs "
        "and that draft submitted. Reviewer (commission member with a TOTP authenticator, "
        "real session): the list of 50 rows, one application, a decision entered. Staff: "
        "the changelist. A mix's req/s is what its users asked for, not the page's capacity "
        f"(that is the wrk table); authenticated floor in the last wrk round: "
        f"{floor or float('nan'):,.0f} req/s.",
        "",
        "| mix | request | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for label in ("candidate", "reviewer", "staff"):
        mix = mixes.get(label) or {}
        if "error" in mix:
            lines.append(f"| {label} | failed: {mix['error'][-200:]!r} | | | | | | |")
            continue
        title = f"{label} ({mix.get('users')} users, {mix.get('seconds')} s)"
        for name, r in mix.get("stats", {}).items():
            lines.append(
                f"| {title} | {name} | {r['requests']:,} | {r['rps']:.1f} | {r['p50']:.0f} "
                f"| {r['p95']:.0f} | {r['p99']:.0f} | {r['failures']} |"
            )
            title = ""
    return [*lines, ""]


def jobs_markdown(report: dict) -> list[str]:
    lines = []
    memory = report.get("upload_memory")
    if memory:
        lines += ["## Web worker memory during 5 MB uploads", ""]
        if "error" in memory:
            lines += ["```", memory["error"], "```", ""]
        else:
            lines += [
                f"{memory['uploads']} uploads of a {memory['upload_mb']} MB PDF ({memory['parallel']}"
                f" at a time, the real form) to gunicorn's {memory['workers']} sync workers, "
                f"after one warm-up upload per worker: resident size before "
                f"{memory['rss_before_mb']} MB (largest worker), peak {memory['peak_mb']} MB; "
                f"growth of each worker's high-water mark: {memory['growth_mb']} MB, "
                f"largest **{memory['max_growth_mb']} MB** (target ≤ 15 MB). Answers: "
                f"{memory['statuses']}.",
                "",
            ]
    jobs = report.get("jobs")
    if jobs:
        lines += [f"## Jobs ({jobs.get('scale')} data)", ""]
        if "error" in jobs:
            lines += ["```", jobs["error"], "```", ""]
        else:
            purge, publish, expire = jobs.get("purge"), jobs.get("publish"), jobs.get("expire")
            lines += [
                "| job | count | time | per second | checks |",
                "| --- | --- | --- | --- | --- |",
            ]
            if purge:
                lines.append(
                    f"| purge of unactivated accounts (service, in-process) | {purge['accounts']:,} "
                    f"| {purge['seconds']} s | {purge['per_s']:,} | {purge['deleted']:,} deleted, "
                    f"{purge['left']} left |"
                )
            if publish:
                lines.append(
                    f"| publication asked for (task `publish_decisions`, {jobs['workers']} worker "
                    f"processes) | {publish['decisions']:,} | {publish['seconds']} s "
                    f"| {publish['per_s']} | {publish['mails_queued']:,} mails queued, "
                    f"{publish['letters']:,} letters for {publish['favourable']:,} favourable |"
                )
            if expire:
                lines.append(
                    f"| withdrawal of silent candidates (job `expire_confirmations`, one task) "
                    f"| {expire['silent']:,} | {expire['seconds']} s | {expire['per_s']} "
                    f"| {expire['withdrawn']:,} withdrawn, {expire['mails_queued']:,} mails "
                    f"queued |"
                )
            load = jobs.get("load") or [0]
            lines += ["", f"Load average after the jobs: {load[0]:.2f}.", ""]
    mails = report.get("mails")
    if mails:
        load = mails.get("load") or [0]
        lines += [
            "## Mail delivery (one worker process, loopback SMTP sink)",
            "",
            "`bench/notifications_throughput.py`: one Celery worker (`--pool=solo`) sending to "
            "an aiosmtpd sink in the benchmark's process; each mail's Message-ID counted at the "
            f"sink. Load average after: {load[0]:.2f}.",
            "",
            "```",
            *mails["lines"],
            "```",
            "",
        ]
    return lines


if __name__ == "__main__":
    sys.exit(main())
