"""Two web hosts behind one proxy (`make two-hosts`; not run by CI): the smoke run's stack
(scripts/stack.py: PostgreSQL, Redis, SeaweedFS, the SMTP sink, the compose file's `migrate`,
`worker` and `beat`, `manage.py demo`) with two gunicorn instances of the compose file's `web`
command (production settings, plain HTTP) standing for two hosts, behind Debian's nginx with
the shipped deploy/nginx.conf (its upstream replaced by the two, round robin; TLS terminated
there; ALLAUTH_TRUSTED_PROXY_COUNT=1). Every request goes through the proxy; nginx adds a
header naming the instance that answered (the only line added to its location, for counting).

It checks that nothing depends on which instance answers:
- sessions: signed in through one instance, signed in on both (requests alternate);
- rate limits: a sign-in limit per account and a reset limit per client address are shared by
  the two instances (Redis), and the address is the one the proxy saw (a forged
  X-Forwarded-For changes nothing);
- uploads: a document uploaded through one instance is downloaded through the other (the
  bucket is shared);
- outbox: mails queued by both instances are delivered once each by the worker;
then measures the throughput of a signed-in page through the proxy, per instance.

Environment: the smoke run's (SMOKE_DATABASE_URL, SMOKE_REDIS_URL, SMOKE_BROKER_URL,
SMOKE_PORT; scripts/stack.py). Ports: the proxy on SMOKE_PORT, the instances on +1 and +3.
Prints the figures; exits non-zero on the first failure.
"""

import collections
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import requests  # noqa: E402
from stack import (  # noqa: E402 (the script's folder first)
    Stack,
    check,
    demo_secrets,
    remove_data,
    start_demo,
    start_services,
    start_web,
    start_workers,
    static_files_done,
    step,
    stop_everything,
    wait_for,
)

from tests.servers import Nginx  # noqa: E402

SERVED_BY = "X-Served-By"
CANDIDATE_PASSWORD = "demo-candidat-2026"  # noqa: S105 (accounts.demo, public demo login)
LOAD_SECONDS = float(os.environ.get("TWO_HOSTS_LOAD_SECONDS", "10"))
LOAD_CLIENTS = int(os.environ.get("TWO_HOSTS_LOAD_CLIENTS", "8"))


class Client:
    """A browser's worth of HTTP: one cookie jar, CSRF tokens taken from the forms, every
    request through the proxy; remembers which instance answered each request."""

    def __init__(self, stack: Stack, hosts: dict[str, str]):
        self.stack = stack
        self.hosts = hosts  # upstream address -> instance name
        self.session = requests.Session()
        self.session.trust_env = False  # the machine's CA bundle and proxies: not for loopback
        self.session.verify = str(stack.cert)
        self.served: list[str] = []

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Referer": self.stack.site + path, **kwargs.pop("headers", {})}
        answer = self.session.request(
            method, self.stack.site + path, headers=headers, timeout=30, **kwargs
        )
        for hop in [*answer.history, answer]:  # each redirect is a request of its own
            self.served.append(self.hosts.get(hop.headers.get(SERVED_BY, ""), "?"))
        return answer

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, data: dict, *, files=None, headers=None):
        """GETs the page, then POSTs its form with the CSRF token it carried."""
        page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        check(token, f"no CSRF token on {path} ({page.status_code})")
        before = len(self.served)
        answer = self.request(
            "POST",
            path,
            data={"csrfmiddlewaretoken": token.group(1), **data},
            files=files,
            headers=headers or {},
            allow_redirects=True,
        )
        self.posted_to = self.served[before]  # the instance that took the POST itself
        return answer

    def sign_in(self, email: str, password: str) -> requests.Response:
        return self.post_form("/accounts/login/", {"login": email, "password": password})

    def signed_in(self) -> bool:
        answer = self.get("/candidatures/", allow_redirects=False)
        return answer.status_code == 200


def start_two_hosts(stack: Stack) -> dict[str, str]:
    collect = start_services(stack)
    demo = start_demo(stack)
    start_workers(stack)
    static_files_done(stack, collect)
    hosts = {}
    for name, port in (("host-a", stack.port + 1), ("host-b", stack.port + 3)):
        start_web(stack, name, port, tls=False)
        hosts[f"127.0.0.1:{port}"] = name
    for address in hosts:
        site = f"http://{address}"
        wait_for(lambda s=site: stack.http("/healthz", s)[0] == 200, timeout=90, what=site)
    stack.nginx = Nginx(
        stack.workdir / "nginx",
        upstreams=list(hosts),
        port=stack.port,
        certificate=(stack.cert, stack.key),
        extra=[f"add_header {SERVED_BY} $upstream_addr always;"],
    ).start()
    status, body, _headers = stack.http("/readyz")
    check((status, body) == (200, b"ok\n"), f"/readyz through the proxy answered {status}")
    wait_for(lambda: " ready." in stack.log("worker"), timeout=60, what="the Celery worker")
    demo_secrets(stack, demo)
    step(
        f"nginx (deploy/nginx.conf, TLS) on {stack.site} in front of gunicorn host-a and host-b "
        f"({', '.join(hosts)}), production settings; worker, beat; demo data loaded"
    )
    return hosts


def candidates(stack: Stack, count: int) -> list[str]:
    """The demo's candidate logins (read from the database: the check's set-up)."""
    code = (
        "from accounts.models import User;"
        "print(' '.join(User.objects.filter(is_staff=False, commission_memberships=None,"
        f" email__endswith='@demo.ecandidat.localhost').order_by('pk').values_list('email', flat=True)[:{count}]))"
    )
    emails = stack.shell(code).split()
    check(len(emails) == count, f"{count} demo candidates expected, found {emails}")
    return emails


def sessions_are_shared(stack, hosts, email) -> Client:
    client = Client(stack, hosts)
    client.sign_in(email, CANDIDATE_PASSWORD)
    signed_in_by = client.posted_to
    client.served.clear()
    answers = [client.get("/candidatures/", allow_redirects=False) for _ in range(20)]
    check(
        all(a.status_code == 200 for a in answers),
        f"signed out on some requests: {[a.status_code for a in answers]}",
    )
    counts = collections.Counter(client.served)
    check(set(counts) == set(hosts.values()), f"the requests did not alternate: {counts}")
    step(
        f"sessions: signed in through {signed_in_by}; 20 signed-in pages, "
        f"{dict(sorted(counts.items()))}, all 200 (none sent back to sign in)"
    )
    return client


def sign_in_limit_is_shared(stack, hosts, email):
    """5 failed sign-ins per account in 15 minutes (login_failed 5/900s/key): spread over
    both instances, the 6th attempt is refused even with the right password, on either."""
    client = Client(stack, hosts)
    failed_on = collections.Counter()
    for attempt in range(5):
        if attempt % 2:
            client.get("/healthz")  # one request more: the next POST goes to the other instance
        client.sign_in(email, "not-the-password")
        failed_on[client.posted_to] += 1
    check(set(failed_on) == set(hosts.values()), f"failures not spread: {failed_on}")
    refused_on = []
    for browser in (client, Client(stack, hosts)):
        for _ in range(2):  # one attempt on each instance
            browser.sign_in(email, CANDIDATE_PASSWORD)
            refused_on.append(browser.posted_to)
            # three requests (the form, the POST, the check): the next POST goes to the other
            check(not browser.signed_in(), f"signed in through {browser.posted_to}: not shared")
    check(set(refused_on) == set(hosts.values()), f"refusals not on both: {refused_on}")
    step(
        f"rate limit per account: 5 failed sign-ins ({dict(sorted(failed_on.items()))}), then the "
        f"right password refused 4 times from 2 browsers ({dict(collections.Counter(refused_on))})"
    )


def reset_limit_counts_the_proxy_address(stack, hosts, emails) -> dict[str, str]:
    """Password resets, 10 per hour per client address (reset_password 10/h/ip): each request
    forges a different X-Forwarded-For, the instances read the address nginx appended (one
    trusted proxy), so the 11th is refused; each accepted reset queues one mail."""
    client = Client(stack, hosts)
    queued_by = {}
    for number, email in enumerate(emails[:10]):
        forged = {"X-Forwarded-For": f"203.0.113.{number + 1}"}
        answer = client.post_form("/accounts/password/reset/", {"email": email}, headers=forged)
        check(answer.status_code == 200, f"reset {number + 1} answered {answer.status_code}")
        check("/password/reset/done/" in answer.url, f"reset {number + 1} refused: {answer.url}")
        queued_by[email] = client.posted_to
    forged = {"X-Forwarded-For": "198.51.100.77"}
    refused = client.post_form("/accounts/password/reset/", {"email": emails[10]}, headers=forged)
    refused_by = client.posted_to
    check(
        refused.status_code == 429 or "/password/reset/done/" not in refused.url,
        f"the 11th reset was accepted ({refused.status_code} {refused.url})",
    )
    counts = collections.Counter(queued_by.values())
    step(
        f"rate limit per client address: 10 resets accepted ({dict(sorted(counts.items()))}), "
        f"each with a different forged X-Forwarded-For, the 11th refused by {refused_by} "
        f"({refused.status_code})"
    )
    return queued_by


def uploads_are_shared(stack, hosts, client: Client):
    """A draft of the demo (demo_backoffice): its candidate replaces a document through one
    instance and downloads it through the other."""
    from tests.pieces import corpus

    found = stack.shell(
        "from candidatures.models import Candidature; from pieces.selectors import required_pieces;"
        "c = Candidature.objects.filter(dossier__user__email='ines.moreau@demo.ecandidat.localhost',"
        " status='draft').get();"
        "r = [r for r in required_pieces(c.programme) if not r.is_conditional][0];"
        "print(c.pk, r.piece_type_id)"
    )
    pk, type_pk = map(int, found.split())
    marker = f"two hosts {time.time()}"
    pdf = corpus.pdf(text=marker)
    path = f"/candidatures/{pk}/pieces/{type_pk}/envoyer/"
    answer = client.post_form(path, {}, files={"files": ("two-hosts.pdf", pdf, "application/pdf")})
    check("est enregistrée" in answer.text, f"upload refused ({answer.status_code})")
    uploaded_by = client.posted_to
    link = re.search(r'href="(/pieces/\d+/fichier/)"[^>]*>\s*two-hosts\.pdf', answer.text)
    check(link, "the application page shows no link to the uploaded file")
    downloads, contents = collections.Counter(), set()
    for _ in range(4):
        got = client.get(link.group(1))
        check(got.status_code == 200 and got.content.startswith(b"%PDF-"), f"download {got}")
        downloads[client.served[-1]] += 1
        contents.add(got.content)
    check(len(contents) == 1, "the instances served different files")
    others = set(downloads) - {uploaded_by}
    check(others, f"every download went to {uploaded_by}: {downloads}")
    step(
        f"uploads: stored through {uploaded_by} (into the shared bucket), downloaded "
        f"{dict(sorted(downloads.items()))}, the same PDF ({len(next(iter(contents)))} bytes) each time"
    )


def outbox_delivers_once(stack, queued_by: dict[str, str]):
    def resets():
        return [(rcpts, m) for rcpts, m in stack.smtp.received() if "mot de passe" in m["Subject"]]

    wait_for(lambda: len(resets()) >= len(queued_by), timeout=120, what="the reset mails")
    time.sleep(3)  # a second delivery would arrive now
    received = resets()
    per_address = collections.Counter(r for rcpts, _ in received for r in rcpts)
    ids = [m["Message-ID"] for _, m in received]
    check(len(ids) == len(set(ids)), "a mail was delivered twice")
    check(
        set(per_address) == set(queued_by) and set(per_address.values()) == {1},
        f"reset mails per address: {dict(per_address)}",
    )
    by_host = collections.Counter(queued_by.values())
    step(
        f"outbox: {len(received)} mails queued by {dict(sorted(by_host.items()))}, each "
        "delivered once by the worker (distinct Message-IDs, one per address)"
    )


def throughput(stack, hosts, client: Client):
    """LOAD_CLIENTS threads, each with the signed-in session's cookies, GET the dashboard
    through the proxy for LOAD_SECONDS."""
    cookies = client.session.cookies.get_dict()
    results = []
    lock = threading.Lock()
    deadline = time.monotonic() + LOAD_SECONDS

    def run():
        session = requests.Session()
        session.trust_env = False
        session.verify = str(stack.cert)
        session.cookies.update(cookies)
        mine = []
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                answer = session.get(
                    stack.site + "/candidatures/", allow_redirects=False, timeout=30
                )
                ok = answer.status_code == 200
                host = hosts.get(answer.headers.get(SERVED_BY, ""), "?")
            except requests.RequestException:
                ok, host = False, "?"
            mine.append((ok, host, time.monotonic() - started))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(LOAD_CLIENTS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    failures = sum(1 for ok, _, _ in results if not ok)
    per_host = collections.Counter(host for _, host, _ in results)
    latencies = sorted(t for _, _, t in results)
    p50 = latencies[len(latencies) // 2] * 1000
    p95 = latencies[int(len(latencies) * 0.95)] * 1000
    step(
        f"throughput: {len(results)} signed-in dashboards in {elapsed:.1f} s through the proxy, "
        f"{len(results) / elapsed:.0f} req/s with {LOAD_CLIENTS} clients (p50 {p50:.0f} ms, "
        f"p95 {p95:.0f} ms), per instance {dict(sorted(per_host.items()))}, failures {failures}"
    )
    check(failures == 0, f"{failures} requests failed")


def main() -> int:
    port = int(os.environ.get("SMOKE_PORT", "8500"))
    workdir = Path(tempfile.mkdtemp(prefix="ecandidat-two-hosts-"))
    stack = Stack(workdir, port, proxies=1)
    stack.extra_env["CSRF_TRUSTED_ORIGINS"] = stack.site  # the proxy passes Host without port
    ok = False
    try:
        hosts = start_two_hosts(stack)
        emails = candidates(stack, 11)
        client = sessions_are_shared(stack, hosts, "ines.moreau@demo.ecandidat.localhost")
        sign_in_limit_is_shared(stack, hosts, emails[0])
        queued_by = reset_limit_counts_the_proxy_address(stack, hosts, emails)
        uploads_are_shared(stack, hosts, client)
        outbox_delivers_once(stack, queued_by)
        throughput(stack, hosts, client)
        for name in hosts.values():
            requests_served = stack.log(name).count('" 200 ') + stack.log(name).count('" 302 ')
            step(f"  {name}'s access log: {requests_served} requests answered 200 or 302")
        ok = True
    except Exception:
        for name in ("host-a", "host-b", "worker"):
            tail = stack.log(name)[-2000:]
            if tail:
                print(f"----- {name}.log (end) -----\n{tail}", file=sys.stderr)
        raise
    finally:
        try:
            if getattr(stack, "nginx", None):
                stack.nginx.stop()
            stop_everything(stack, range(port, port + 20))
            remove_data(stack)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        step(("two-host run passed" if ok else "two-host run FAILED") + "; everything stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
