"""Timing of the account pages that must not tell whether an account exists (not a test).

    python bench/account_timing.py [--runs 15]

Sign-up with an address already registered vs a new one, and a wrong password on an existing
account vs an unknown login (typed as an email and as a candidate number), through the real
views with the production password hasher (PBKDF2). Prints the median of --runs requests per
case, interleaved so that a slower moment of the machine hits every case alike, and the
difference between the two cases of each pair. Runs in its own throw-away database.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecandidat.settings")
    os.environ["REDIS_URL"] = ""  # rate limits in a local cache, cleared between requests
    os.environ["CELERY_BROKER_URL"] = "memory://"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = "bench_account_timing"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return connection


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    connection = _setup()
    try:
        from django.core.cache import cache
        from django.test import Client

        from tests.factories import SIGNUP_FORM, UserFactory

        password = "correct-horse-battery-staple"  # noqa: S105
        known = UserFactory(email="known@example.org")
        signup = SIGNUP_FORM
        counter = iter(range(10**6))

        def post(url, data):
            cache.clear()
            client = Client()
            start = time.perf_counter()
            response = client.post(url, data)
            elapsed = time.perf_counter() - start
            assert response.status_code in (200, 302), response.status_code
            return elapsed

        cases = {
            "signup_known_email": lambda: post(
                "/accounts/signup/",
                {**signup, "email": known.email, "email2": known.email},
            ),
            "signup_new_email": lambda: post(
                "/accounts/signup/",
                {**signup, "email": f"new{next(counter)}@example.org"}
                | {"email2": f"new{next(counter) - 1}@example.org"},
            ),
            "login_wrong_password_existing_email": lambda: post(
                "/accounts/login/", {"login": known.email, "password": password + "x"}
            ),
            "login_unknown_email": lambda: post(
                "/accounts/login/", {"login": "nobody@example.org", "password": password}
            ),
            "login_wrong_password_existing_number": lambda: post(
                "/accounts/login/", {"login": known.candidate_number, "password": password + "x"}
            ),
            "login_unknown_number": lambda: post(
                "/accounts/login/", {"login": "99999999", "password": password}
            ),
        }
        for run in cases.values():  # warm-up: imports, template loading, first connection
            run()
        timings = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, run in cases.items():
                timings[name].append(run())
        medians = {name: round(statistics.median(values), 4) for name, values in timings.items()}
        pairs = {
            "signup known - new": ("signup_known_email", "signup_new_email"),
            "login existing - unknown (email)": (
                "login_wrong_password_existing_email",
                "login_unknown_email",
            ),
            "login existing - unknown (number)": (
                "login_wrong_password_existing_number",
                "login_unknown_number",
            ),
        }
        differences = {label: round(medians[a] - medians[b], 4) for label, (a, b) in pairs.items()}
        print(
            json.dumps(
                {"runs": args.runs, "median_seconds": medians, "differences": differences},
                indent=2,
            )
        )
    finally:
        connection.creation.destroy_test_db("bench_account_timing", verbosity=0)


if __name__ == "__main__":
    main()
