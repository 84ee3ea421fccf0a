"""Where each candidate page's time goes, in-process (pyinstrument), on bench data.

    ECANDIDAT_BENCH=true DATABASE_URL=... ECANDIDAT_VAR_DIR=var/bench/1x \\
        python bench/profile_pages.py [--requests 200] [--page /candidatures/] [--html DIR]

Uses the targets written by ``manage.py bench_targets`` (real sessions of different
candidates) under production settings, and prints for each page the mean CPU and wall time per request
and pyinstrument's call tree (or writes it as HTML). Not a test: run by hand.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--page", action="append", help="a page name of pages.json (repeatable)")
    parser.add_argument("--html", help="write one HTML profile per page in this folder")
    parser.add_argument("--no-profile", action="store_true", help="only time the pages")
    args = parser.parse_args()

    os.environ.setdefault("ECANDIDAT_ENV", "production")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 50)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
    os.environ.setdefault("SITE_URL", "http://127.0.0.1")
    os.environ.setdefault("ECANDIDAT_BENCH", "true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecandidat.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from pyinstrument import Profiler

    folder = Path(os.environ["ECANDIDAT_VAR_DIR"]) / "targets"
    pages = json.loads((folder / "pages.json").read_text())
    for name, filename in pages.items():
        if args.page and name not in args.page:
            continue
        lines = (folder / filename).read_text().split()
        visits = list(zip(lines[::2], lines[1::2], strict=True))
        client = Client()

        def get(key, path, client=client):
            client.cookies.clear()
            if key != "-":
                client.cookies[settings.SESSION_COOKIE_NAME] = key
            response = client.get(path, secure=True, headers={"host": "127.0.0.1"})
            assert response.status_code == 200, (path, response.status_code)

        for key, path in visits[:5]:  # warm the template cache and the connection
            get(key, path)
        profiler = None if args.no_profile else Profiler(interval=0.0005)
        started, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.start()
        for index in range(args.requests):
            get(*visits[index % len(visits)])
        if profiler:
            profiler.stop()
        elapsed = (time.perf_counter() - started) / args.requests * 1000
        cpu = (time.process_time() - cpu) / args.requests * 1000
        print(
            f"\n=== {name}: {cpu:.2f} ms CPU, {elapsed:.2f} ms wall per request "
            f"(in-process, {args.requests} requests)"
        )
        if profiler and args.html:
            Path(args.html).mkdir(parents=True, exist_ok=True)
            safe = "".join(c if c.isalnum() else "_" for c in name)
            (Path(args.html) / f"{safe}.html").write_text(profiler.output_html())
        elif profiler:
            print(profiler.output_text(unicode=True, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
