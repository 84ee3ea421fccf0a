"""The deadline-day mixes for locust (headless), run by bench/run.py against gunicorn:

    BENCH_TARGETS=var/bench/10x/targets/locust.json locust -f bench/locustfile.py --headless \\
        -H http://127.0.0.1:8600 -u 8 -r 8 -t 30s CandidateUser

- CandidateUser: signs in with a password (the real form, production's hasher), then loops
  over the dashboard, one of their applications, the dossier, an upload of a 1 MB PDF to a
  draft of theirs (the real form, CSRF included) and the submission of that draft (which
  usually answers that pieces are still missing: a real refusal, a redirect).
- ReviewerUser: a commission member (TOTP authenticator, session written by bench_targets):
  the list of 50 rows, one application, a decision entered on it.
- StaffUser: the staff changelist.

Production cookies are Secure and the harness speaks plain HTTP on loopback with the proxy's
``X-Forwarded-Proto: https``: cookies are sent by hand (requests would hold Secure ones back).
"""

import json
import os
import random
import re
import sys

from locust import HttpUser, between, task

sys.path.insert(0, os.path.dirname(__file__))
from locustfile_pdf import pdf  # noqa: E402

TARGETS = json.loads(open(os.environ["BENCH_TARGETS"]).read())  # noqa: PTH123, SIM115
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


PDF = pdf(1024 * 1024)


class Browser(HttpUser):
    abstract = True
    wait_time = between(0.2, 0.5)

    def on_start(self):
        self.cookies = {}

    def _headers(self, extra=None):
        headers = {"X-Forwarded-Proto": "https", "Origin": f"https://{self._host()}"}
        headers["Referer"] = f"https://{self._host()}/"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def _host(self):
        return self.host.split("://", 1)[1].rstrip("/")

    def _keep(self, response):
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        self.client.cookies.clear()

    def get(self, path, name, expect=(200,)):
        with self.client.get(
            path, headers=self._headers(), name=name, allow_redirects=False, catch_response=True
        ) as response:
            self._keep(response)
            if response.status_code not in expect:
                response.failure(f"{response.status_code}")
            return response

    def post(self, path, name, data, files=None, expect=(302,)):
        with self.client.post(
            path,
            data=data,
            files=files,
            headers=self._headers(),
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self._keep(response)
            if response.status_code not in expect:
                response.failure(f"{response.status_code}")
            return response

    def csrf(self, response) -> str:
        found = CSRF.search(response.content or b"")
        return found.group(1).decode() if found else ""


class CandidateUser(Browser):
    def on_start(self):
        super().on_start()
        self.me = random.choice(TARGETS["candidates"])  # noqa: S311 (load, not security)
        page = self.get("/accounts/login/", "sign-in form")
        self.post(
            "/accounts/login/",
            "sign in (POST)",
            {
                "csrfmiddlewaretoken": self.csrf(page),
                "login": self.me["email"],
                "password": TARGETS["password"],
            },
        )

    @task(3)
    def dashboard(self):
        self.get("/candidatures/", "/candidatures/")

    @task(3)
    def application(self):
        self.get(f"/candidatures/{self.me['application']}/", "/candidatures/<id>/")

    @task(2)
    def dossier(self):
        self.get("/dossier/", "/dossier/")

    @task(1)
    def upload_and_submit(self):
        draft, piece_type = self.me["draft"], self.me["piece_type"]
        if not draft or not piece_type:
            return
        path = f"/candidatures/{draft}/pieces/{piece_type}/envoyer/"
        form = self.get(path, "upload form", expect=(200, 302))
        if form.status_code != 200:
            return  # submitted meanwhile: nothing to upload any more
        self.post(
            path,
            "upload 1 MB PDF (POST)",
            {"csrfmiddlewaretoken": self.csrf(form)},
            files={"files": ("releve.pdf", PDF, "application/pdf")},
        )
        detail = self.get(f"/candidatures/{draft}/", "/candidatures/<id>/")
        self.post(
            f"/candidatures/{draft}/transmettre/",
            "submit (POST)",
            {"csrfmiddlewaretoken": self.csrf(detail)},
        )


class ReviewerUser(Browser):
    def on_start(self):
        super().on_start()
        self.cookies[TARGETS["session_cookie"]] = random.choice(  # noqa: S311
            TARGETS["reviewers"]["sessions"]
        )

    @task(2)
    def application_list(self):
        self.get("/commission/", "/commission/ (50 rows)")

    @task(2)
    def decide(self):
        pk = random.choice(TARGETS["reviewers"]["applications"])  # noqa: S311
        page = self.get(f"/commission/dossiers/{pk}/", "/commission/dossiers/<id>/")
        self.post(
            f"/commission/dossiers/{pk}/decision/",
            "decision (POST)",
            {"csrfmiddlewaretoken": self.csrf(page), "decision": "favourable"},
        )


class StaffUser(Browser):
    def on_start(self):
        super().on_start()
        self.cookies[TARGETS["session_cookie"]] = TARGETS["staff"]

    @task
    def changelist(self):
        self.get("/admin/candidatures/candidature/", "staff changelist")
