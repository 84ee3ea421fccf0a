"""The project's Celery app (``celery -A tests.jobs.killable_worker worker``) with two points
of the workflow made observable and, once, stoppable by the kill tests (test_worker_killed.py):

- the admission letter's rendering (``candidatures.mail.render_pdf``, drawn before the row
  lock), each start and end written to ``$KILL_TEST_DIR/record``;
- the candidate's mail being queued (``candidatures.mail.notify_candidate``, inside the
  transition's transaction, the application's row locked).

``KILL_TEST_GATE=letter:<pk>`` or ``mail:<pk>`` makes the first process that reaches that point
for application ``pk`` write ``gate <pk> <pid>`` and wait there (the test kills it); the gate is
used once (``$KILL_TEST_DIR/gate.used``), so a process started after the kill goes through.
Everything else is the real code: the letter is drawn by WeasyPrint, the mail written to the
outbox."""

import os
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecandidat.settings")

from ecandidat.celery import app  # noqa: E402

django.setup()

from candidatures import mail  # noqa: E402

DIRECTORY = Path(os.environ["KILL_TEST_DIR"])
GATE = os.environ.get("KILL_TEST_GATE", "")


def record(line: str) -> None:
    # One write of a short line with O_APPEND: lines of several processes never interleave.
    descriptor = os.open(DIRECTORY / "record", os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(descriptor, f"{line} {os.getpid()}\n".encode())
    finally:
        os.close(descriptor)


def gate(point: str, pk: int) -> None:
    if f"{point}:{pk}" != GATE:
        return
    try:
        os.close(os.open(DIRECTORY / "gate.used", os.O_WRONLY | os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        return
    record(f"gate {pk}")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # the test kills this process well before
        time.sleep(0.05)
    raise RuntimeError("the kill test never killed this process")


real_render_pdf = mail.render_pdf
real_notify_candidate = mail.notify_candidate


def render_pdf(template, context, **kwargs):
    pk = context["candidature"].pk
    record(f"letter-start {pk}")
    gate("letter", pk)
    pdf = real_render_pdf(template, context, **kwargs)
    record(f"letter-done {pk}")
    return pdf


def notify_candidate(*, candidature, **kwargs):
    gate("mail", candidature.pk)
    return real_notify_candidate(candidature=candidature, **kwargs)


mail.render_pdf = render_pdf
mail.notify_candidate = notify_candidate

__all__ = ["app"]
