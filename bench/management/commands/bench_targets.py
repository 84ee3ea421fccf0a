"""What the load harness requests, and how many queries each page makes.

    ECANDIDAT_BENCH=true manage.py bench_targets --sessions 200 --out DIR

Signs in --sessions bench candidates (and one staff member with a TOTP authenticator) by
writing real sessions in the configured session store, as a sign-in would, and writes for
each page a file of "<session cookie> <path>" lines (one per candidate, each with one of their
own applications; the reviewer list with the bench commission's members) that
bench/wrk/pages.lua cycles through. Then requests every page once per
session in-process (Django's test client) and prints, as JSON, the number of SQL queries of
each page (the most seen, and whether it varied).
"""

import json
import random
import time
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from candidatures.models import Candidature
from ecandidat.middleware import LAST_SEEN, SIGNED_IN_AT

from .bench_data import BENCH_DOMAIN, BENCH_PASSWORD, bench_commission

PAGES = {  # name -> path, "{pk}" being one of the candidate's applications
    "bare floor": "/bench/floor/",
    "authenticated floor": "/bench/floor/auth/",
    "/ (home)": "/",
    "/offre/": "/offre/",
    "/candidatures/": "/candidatures/",
    "/candidatures/<id>/": "/candidatures/{pk}/",
    "/dossier/": "/dossier/",
    "/dossier/personal-info/": "/dossier/personal-info/",
    "/messages/": "/messages/",
}
STAFF_PAGES = {
    "staff changelist": "/admin/candidatures/candidature/",
}
# Measured with the bench commission's members' sessions (the list's first page: 50 rows).
REVIEWER_PAGES = {
    "reviewer list": "/commission/",
}
STAFF_EMAIL = f"gestion@{BENCH_DOMAIN}"


def session_for(user) -> str:
    """A signed-in session for ``user``, stored where the site keeps its sessions."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # As signing in stamps it (ecandidat.middleware.stamp_session_start): the first page seen
    # then writes nothing to the session.
    store[SIGNED_IN_AT] = store[LAST_SEEN] = int(time.time())
    store.create()
    return store.session_key


def bench_staff() -> User:
    user = User.objects.filter(email=STAFF_EMAIL).first()
    if user is None:
        user = User.objects.create_superuser(STAFF_EMAIL, None)
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        TOTP.activate(user, generate_totp_secret())
    return user


class Command(BaseCommand):
    help = "Writes the load harness's targets (real sessions) and counts each page's queries."

    def add_arguments(self, parser):
        parser.add_argument("--sessions", type=int, default=200)
        parser.add_argument("--out", required=True)
        parser.add_argument("--seed", type=int, default=14)

    def handle(self, *args, sessions, out, seed, **options):
        rnd = random.Random(seed)
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        users = list(
            User.objects.filter(
                email__endswith=f"@{BENCH_DOMAIN}", dossier__candidatures__isnull=False
            )
            .distinct()
            .order_by("pk")
        )
        users = rnd.sample(users, min(sessions, len(users)))
        applications: dict[int, list[int]] = {}
        for pk, user_id in Candidature.objects.filter(dossier__user__in=users).values_list(
            "pk", "dossier__user_id"
        ):
            applications.setdefault(user_id, []).append(pk)
        visits = [(user, session_for(user), rnd.choice(applications[user.pk])) for user in users]
        staff = bench_staff()
        staff_session = session_for(staff)

        targets = {}
        for name, path in PAGES.items():
            # The bare floor is anonymous: "-" sends no cookie.
            lines = [
                f"{'-' if name == 'bare floor' else key} {path.format(pk=pk)}"
                for _user, key, pk in visits
            ]
            targets[name] = lines
        for name, path in STAFF_PAGES.items():
            targets[name] = [f"{staff_session} {path}"]
        reviewers = self._reviewers()
        for name, path in REVIEWER_PAGES.items():
            if reviewers["sessions"]:
                targets[name] = [f"{key} {path}" for key in reviewers["sessions"]]
        # The candidate mix's uploads and the memory run: one draft of each signed-in candidate
        # (if any) on a programme still open, with a piece type it requires.
        from candidatures.models import Status
        from pieces.selectors import required_pieces

        drafts = {}
        for candidature in (
            Candidature.objects.filter(dossier__user__in=users, status=Status.DRAFT)
            .select_related("programme")
            .order_by("pk")
        ):
            if candidature.programme.closes_at > timezone.now():
                drafts.setdefault(candidature.dossier.user_id, candidature)
        keys = {user.pk: key for user, key, _pk in visits}
        uploads = []
        for user_id, candidature in drafts.items():
            required = required_pieces(candidature.programme)
            if required:
                uploads.append(f"{keys[user_id]} {candidature.pk} {required[0].piece_type_id}")
        (folder / "uploads.txt").write_text("\n".join(uploads) + "\n")
        (folder / "locust.json").write_text(
            json.dumps(
                {
                    "session_cookie": settings.SESSION_COOKIE_NAME,
                    "csrf_cookie": settings.CSRF_COOKIE_NAME,
                    "password": BENCH_PASSWORD,
                    "candidates": [
                        {
                            "email": user.email,
                            "application": pk,
                            "draft": drafts[user.pk].pk if user.pk in drafts else None,
                            "piece_type": next(
                                (
                                    int(line.split()[2])
                                    for line in uploads
                                    if line.split()[0] == key
                                ),
                                None,
                            ),
                        }
                        for user, key, pk in visits
                    ],
                    "staff": staff_session,
                    "reviewers": reviewers,
                }
            )
        )
        for index, lines in enumerate(targets.values()):
            (folder / f"{index:02d}.txt").write_text("\n".join(lines) + "\n")
        # The harness sends the cookie under the configured name (__Host-sessionid in production).
        (folder / "cookie.txt").write_text(settings.SESSION_COOKIE_NAME + "\n")
        (folder / "pages.json").write_text(
            json.dumps({name: f"{index:02d}.txt" for index, name in enumerate(targets)})
        )
        self.stdout.write(json.dumps(self._queries(targets)))

    def _reviewers(self) -> dict:
        """The bench commission's members (``bench_data.bench_commission``: made with its
        opinions by bench_data) with real sessions, and the applications they may decide
        (complete, decision not published)."""
        from candidatures.models import Status

        commission, members = bench_commission()
        if commission is None:
            return {"sessions": [], "applications": []}
        sessions = [session_for(user) for user in members]
        applications = list(
            Candidature.objects.filter(
                status=Status.COMPLETE,
                decision_published_at__isnull=True,
                programme__centre=commission.centre,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        return {"sessions": sessions, "applications": applications}

    def _queries(self, targets) -> dict:
        """Queries per page, over up to 20 of the sessions (the most seen, and the fewest)."""
        counts = {}
        cookie = settings.SESSION_COOKIE_NAME
        # One client for all: each new one loads the middleware again (seconds each here).
        client = Client()
        for name, lines in targets.items():
            seen, statuses = [], set()
            for line in lines[:20]:
                key, path = line.split(" ", 1)
                client.cookies.clear()
                if key != "-":
                    client.cookies[cookie] = key
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(path, secure=True, headers={"host": "127.0.0.1"})
                statuses.add(response.status_code)
                seen.append(len(queries))
            counts[name] = {"max": max(seen), "min": min(seen), "statuses": sorted(statuses)}
        return counts
