"""The student-records system ("logiciel de scolarité"): one interface, two implementations.

``lookup_by_student_number`` and ``lookup_by_ine`` return a :class:`StudentRecord` (identity,
address, baccalauréat, internal cursus) or ``None`` when nobody matches; they raise
:class:`RecordsUnavailable` when the system cannot answer (down, slow, broken answer), so the
caller can tell the candidate to fill the dossier by hand.

- :class:`FixtureRecords` reads a JSON file (the demo's students, the tests').
- :class:`HttpRecords` asks a REST student-information service: ``GET {url}/students/{number}``
  and ``GET {url}/students?ine=...&birth_date=YYYY-MM-DD``, with ``Authorization: Bearer
  {token}``; 200 with one record in the JSON format below, 404 when nobody matches.

The record format (also the fixture file's, a list of such objects)::

    {"student_number": "21901234", "ine": "0312345678X", "civility": "mme",
     "birth_name": "Durand", "first_names": "Alice", "birth_date": "2001-03-14",
     "birth_country": "FR", "birth_insee_code": "31555", "birth_town": "", "nationality": "FR",
     "email": "alice.durand@etu.example.org",
     "address": {"country": "FR", "line1": "3 allée des Demoiselles", "line2": "", "line3": "",
                 "postal_code": "31400", "insee_code": "31555", "town": "",
                 "foreign_postal_code": ""},
     "baccalaureate": {"kind": "french", "year": 2019, "series": "S", "mention": "AB",
                       "specialities": "", "school": "Lycée Bellevue", "school_country": "FR",
                       "diploma_title": ""},
     "cursus": [{"year": 2022, "programme_code": "LPSY1", "programme_title": "Licence 1
                 Psychologie", "result": "Admis"}]}

``address`` and ``baccalaureate`` may be null. Unknown keys are ignored.
"""

from __future__ import annotations

import datetime
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import requests
from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

MAX_ANSWER_BYTES = 1024 * 1024


class RecordsError(Exception):
    """Base of the student-records failures."""


class RecordsUnavailable(RecordsError):
    """The records system did not answer usefully. ``reason`` is one of "timeout", "down",
    "status", "bad_answer", "not_configured"; ``detail`` is for the logs, never for candidates."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class CursusLine:
    year: int
    programme_code: str
    programme_title: str
    result: str = ""


@dataclass(frozen=True)
class StudentRecord:
    student_number: str
    civility: str
    birth_name: str
    first_names: str
    birth_date: datetime.date
    birth_country: str
    nationality: str
    ine: str = ""
    birth_insee_code: str = ""
    birth_town: str = ""
    email: str = ""
    address: dict | None = None
    baccalaureate: dict | None = None
    cursus: tuple[CursusLine, ...] = field(default_factory=tuple)


def _text(data: dict, key: str, *, required=False, max_length=200) -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str | int):
        raise ValueError(f"{key}: not a string")
    value = str(value).strip()
    if required and not value:
        raise ValueError(f"{key}: missing")
    if len(value) > max_length:
        raise ValueError(f"{key}: too long")
    return value


def parse_record(data) -> StudentRecord:
    """A record from its JSON form; ``ValueError`` says what is wrong with it."""
    if not isinstance(data, dict):
        raise ValueError("a record is a JSON object")
    try:
        birth_date = datetime.date.fromisoformat(_text(data, "birth_date", required=True))
    except ValueError as error:
        raise ValueError(f"birth_date: {error}") from error
    civility = _text(data, "civility", required=True)
    if civility not in ("mme", "m"):
        raise ValueError("civility: mme or m")
    lines = []
    for line in data.get("cursus") or []:
        if not isinstance(line, dict):
            raise ValueError("cursus: a list of objects")
        year = line.get("year")
        if not isinstance(year, int) or not 1900 <= year <= 2100:
            raise ValueError("cursus.year: a year")
        lines.append(
            CursusLine(
                year=year,
                programme_code=_text(line, "programme_code", required=True, max_length=30),
                programme_title=_text(line, "programme_title", required=True),
                result=_text(line, "result", max_length=100),
            )
        )
    for key in ("address", "baccalaureate"):
        if data.get(key) is not None and not isinstance(data[key], dict):
            raise ValueError(f"{key}: an object or null")
    return StudentRecord(
        student_number=_text(data, "student_number", required=True, max_length=30),
        ine=_text(data, "ine", max_length=20).upper(),
        civility=civility,
        birth_name=_text(data, "birth_name", required=True, max_length=150),
        first_names=_text(data, "first_names", required=True, max_length=150),
        birth_date=birth_date,
        birth_country=_text(data, "birth_country", required=True, max_length=2).upper(),
        birth_insee_code=_text(data, "birth_insee_code", max_length=5),
        birth_town=_text(data, "birth_town", max_length=100),
        nationality=_text(data, "nationality", required=True, max_length=2).upper(),
        email=_text(data, "email", max_length=254).lower(),
        address=data.get("address"),
        baccalaureate=data.get("baccalaureate"),
        cursus=tuple(lines),
    )


class StudentRecords:
    """The interface. Lookups return ``None`` for "nobody matches"."""

    def lookup_by_student_number(self, student_number: str) -> StudentRecord | None:
        raise NotImplementedError

    def lookup_by_ine(self, ine: str, birth_date: datetime.date) -> StudentRecord | None:
        raise NotImplementedError


class FixtureRecords(StudentRecords):
    """Records from a JSON file holding a list of records (read at every lookup, so editing
    the file needs no restart)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def _records(self) -> list[StudentRecord]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return [parse_record(item) for item in data]
        except (OSError, ValueError) as error:
            raise RecordsUnavailable("bad_answer", f"{self.path}: {error}") from error

    def lookup_by_student_number(self, student_number):
        return next((r for r in self._records() if r.student_number == student_number), None)

    def lookup_by_ine(self, ine, birth_date):
        return next(
            (r for r in self._records() if r.ine == ine.upper() and r.birth_date == birth_date),
            None,
        )


class HttpRecords(StudentRecords):
    """A REST student-information service (see the module docstring for its contract)."""

    def __init__(self, url: str, token: str, timeout: float = 5.0, session=None):
        if not url:
            raise RecordsUnavailable("not_configured", "STUDENT_RECORDS_URL is empty")
        self.url = url.rstrip("/")
        self.token = token
        # (connect, read): a dead host fails fast, a slow one after the read timeout.
        self.timeout = (min(timeout, 3.0), timeout)
        self.session = session or requests.Session()

    def _get(self, path: str, params: dict | None = None) -> StudentRecord | None:
        url = f"{self.url}{path}"
        try:
            response = self.session.get(
                url,
                params=params,
                headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
                timeout=self.timeout,
                stream=True,
                allow_redirects=False,
            )
        except requests.Timeout as error:
            raise RecordsUnavailable("timeout", f"{url}: {error}") from error
        except requests.RequestException as error:
            raise RecordsUnavailable("down", f"{url}: {error}") from error
        with response:
            if response.status_code == 404:
                return None
            if response.status_code != 200:
                raise RecordsUnavailable("status", f"{url}: HTTP {response.status_code}")
            try:
                body = response.raw.read(MAX_ANSWER_BYTES + 1, decode_content=True)
            except (requests.RequestException, OSError) as error:
                raise RecordsUnavailable("timeout", f"{url}: {error}") from error
        if len(body) > MAX_ANSWER_BYTES:
            raise RecordsUnavailable("bad_answer", f"{url}: answer over {MAX_ANSWER_BYTES} bytes")
        try:
            return parse_record(json.loads(body))
        except ValueError as error:
            raise RecordsUnavailable("bad_answer", f"{url}: {error}") from error

    def lookup_by_student_number(self, student_number):
        return self._get(f"/students/{quote(student_number, safe='')}")

    def lookup_by_ine(self, ine, birth_date):
        return self._get("/students", {"ine": ine, "birth_date": birth_date.isoformat()})


def get_student_records() -> StudentRecords | None:
    """The configured implementation, or None when the university has none."""
    backend = settings.STUDENT_RECORDS_BACKEND
    if not backend:
        return None
    if backend == "fixture":
        return FixtureRecords(settings.STUDENT_RECORDS_FIXTURE)
    if backend == "http":
        return HttpRecords(
            settings.STUDENT_RECORDS_URL,
            settings.STUDENT_RECORDS_TOKEN,
            timeout=settings.STUDENT_RECORDS_TIMEOUT,
        )
    return import_string(backend)()
