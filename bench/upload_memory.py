"""Peak resident memory of gunicorn's web workers while 5 MB uploads run (not a test; run by
bench/run.py against its gunicorn, or by hand):

    python bench/upload_memory.py --port 8600 --pid <gunicorn master pid> \\
        --targets var/bench/10x/targets/locust.json [--uploads 12] [--parallel 2]

Each upload is the real form (GET for the CSRF token, then a multipart POST of a valid PDF
just under the upload limit) by a signed-in candidate to a draft of theirs. Before the
uploads, every worker serves one upload (warm: imports, template caches); then each worker's
high-water mark (Linux VmHWM) is reset to its current size and read again afterwards. Prints
one JSON line: per worker, resident size before, peak, growth.
"""

import argparse
import http.client
import json
import re
import sys
import threading
import time
import uuid
from pathlib import Path

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
sys.path.insert(0, str(Path(__file__).resolve().parent))


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def workers_of(master: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return sorted(pids)


def pdf_of(size: int) -> bytes:
    from locustfile_pdf import pdf

    return pdf(size)


class Candidate:
    def __init__(self, port, target, targets, pdf):
        self.port, self.target, self.pdf = port, target, pdf
        self.cookies = {}
        self.targets = targets

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        sent = {
            "X-Forwarded-Proto": "https",
            "Origin": f"https://127.0.0.1:{self.port}",
            "Referer": f"https://127.0.0.1:{self.port}/",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, rest = value.split("=", 1)
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, content

    def sign_in(self):
        status, page = self.request("GET", "/accounts/login/")
        token = CSRF.search(page).group(1).decode()
        body = (
            f"csrfmiddlewaretoken={token}&login={self.target['email']}"
            f"&password={self.targets['password']}"
        )
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            body,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        return status

    def upload(self) -> int:
        path = f"/candidatures/{self.target['draft']}/pieces/{self.target['piece_type']}/envoyer/"
        status, page = self.request("GET", path)
        found = CSRF.search(page)
        if status != 200 or not found:
            return status
        boundary = uuid.uuid4().hex
        body = b"".join(
            [
                f"--{boundary}\r\nContent-Disposition: form-data; "
                f'name="csrfmiddlewaretoken"\r\n\r\n{found.group(1).decode()}\r\n'.encode(),
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode(),
                self.pdf,
                f"\r\n--{boundary}--\r\n".encode(),
            ]
        )
        status, _ = self.request(
            "POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True, help="gunicorn master")
    parser.add_argument("--targets", required=True)
    parser.add_argument("--uploads", type=int, default=12)
    parser.add_argument("--parallel", type=int, default=2)
    parser.add_argument("--megabytes", type=float, default=4.9)
    args = parser.parse_args()
    targets = json.loads(Path(args.targets).read_text())
    from locustfile_pdf import pdf

    payload = pdf(int(args.megabytes * 1024 * 1024))
    people = [t for t in targets["candidates"] if t["draft"] and t["piece_type"]]
    workers = workers_of(args.pid)
    candidates = [Candidate(args.port, t, targets, payload) for t in people[: args.parallel]]
    for candidate in candidates:
        candidate.sign_in()
    for _ in range(len(workers) * 2):  # warm every worker (the master picks the one)
        candidates[0].upload()
    before = {pid: status_kb(pid, "VmRSS") for pid in workers}
    for pid in workers:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
    statuses = []

    def run(candidate, count):
        for _ in range(count):
            statuses.append(candidate.upload())

    started = time.monotonic()
    threads = [
        threading.Thread(target=run, args=(c, args.uploads // len(candidates))) for c in candidates
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    peak = {pid: status_kb(pid, "VmHWM") for pid in workers}
    growth = {pid: (peak[pid] - before[pid]) / 1024 for pid in workers}
    print(
        json.dumps(
            {
                "upload_mb": round(len(payload) / 1024 / 1024, 2),
                "uploads": len(statuses),
                "parallel": len(candidates),
                "statuses": sorted(set(statuses)),
                "seconds": round(elapsed, 1),
                "workers": len(workers),
                "rss_before_mb": round(max(before.values()) / 1024, 1),
                "peak_mb": round(max(peak.values()) / 1024, 1),
                "max_growth_mb": round(max(growth.values()), 1),
                "growth_mb": [round(g, 1) for g in growth.values()],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
