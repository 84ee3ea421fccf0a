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
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
RESULTS = ROOT / "bench" / "results"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def database_url(base: str, suffix: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path}_{suffix}"))


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    for statement in (
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}"',
    ):
        subprocess.run(["psql", admin, "-qc", statement], check=True, capture_output=True)


class Site:
    """One data scale: its database, its files, its gunicorn."""

    static_done = False

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

    def manage(self, *command, production=False) -> str:
        env = self.production if production else self.env
        done = subprocess.run(
            [PY, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(f"manage.py {' '.join(command)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def build(self) -> dict:
        recreate_database(self.url)
        shutil.rmtree(self.var, ignore_errors=True)
        self.var.mkdir(parents=True)
        # One collectstatic per run (compressing the DSFR takes a minute), shared by the scales.
        static = Path(self.args.work) / "static"
        (self.var / "static").symlink_to(static)
        if not Site.static_done:
            shutil.rmtree(static, ignore_errors=True)
            static.mkdir(parents=True)
            self.manage("collectstatic", "--noinput", "-v0", production=True)
            Site.static_done = True
        started = time.monotonic()
        self.manage("migrate", "--noinput", "-v0")
        migrated = time.monotonic()
        line = self.manage("bench_data", "--candidates", str(self.candidates)).strip()
        built = time.monotonic()
        log(line)
        return {
            "candidates": self.candidates,
            "summary": line,
            "migrate_s": round(migrated - started, 1),
            "bench_data_s": round(built - migrated, 1),
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
        "--candidates", type=int, default=2000, help="at 1x; 10x has ten times more"
    )
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="at 10x (1x: one round)")
    parser.add_argument("--work", default=str(ROOT / "var" / "bench"))
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
    scales = [1] if args.quick else [1, 10]
    for scale in scales:
        site = Site(args, scale)
        previous = previous_report.get("scales", {}).get(f"{scale}x")
        if args.reuse and previous:
            log(f"reusing the {scale}x data and sessions of the previous run")
            data, queries = previous["data"], previous["queries"]
        else:
            log(f"building {scale}x ({site.candidates} candidates)")
            data = site.build()
            queries = site.targets()
        pages = list(queries)
        site.start()
        try:
            rounds = 1 if (scale == 1 or args.quick) else args.rounds
            seconds = 3 if args.quick else args.seconds
            load = measure(site, pages, rounds, seconds)
        finally:
            site.stop()
        report["scales"][f"{scale}x"] = {"data": data, "queries": queries, "load": load}
    report["load_after"] = os.getloadavg()
    report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
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
        "may be shared, so read the ratios (same round) rather than the absolute figures.",
        "",
        f"gunicorn, {s['workers']} sync workers, production settings (PostgreSQL, sessions and "
        f"cache in Redis), loopback; wrk {s['connections']} connections, {s['threads']} "
        f"threads, {s['seconds']:g} s per page and round, requests spread over "
        f"{s['sessions']} signed-in candidates (each with one of their own applications).",
        "",
    ]
    for scale, block in report["scales"].items():
        data, load, queries = block["data"], block["load"], block["queries"]
        rounds = len(next(iter(load.values()))["rounds_rps"])
        lines += [
            f"## {scale}: {data['candidates']:,} candidates",
            "",
            f"Data: {data['summary']} (migrate {data['migrate_s']} s).",
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
    if len(report["scales"]) > 1:
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
    for title, text in report.get("extra", {}).items():
        lines += [f"## {title}", "", "```", text, "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
