"""Reading La Poste's official base of postal codes ("base officielle des codes postaux",
INSEE codes) into the Commune referential.

The file is published with ";" (older) or "," (data.gouv.fr) separators and two header
spellings ("#Code_commune_INSEE;Nom_de_la_commune;Code_postal;..." and
"code_commune_insee,nom_de_la_commune,code_postal,..."); both are read. One commune has one row
per locality ("ligne 5"): the (INSEE code, postal code) pairs are deduplicated.
"""

import csv
import re
import unicodedata
from dataclasses import dataclass, field

INSEE_RE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
POSTAL_CODE_RE = re.compile(r"^\d{5}$")

FIELDS = ("insee_code", "name", "postal_code")
COLUMNS = {
    "code_commune_insee": "insee_code",
    "nom_de_la_commune": "name",
    "nom_commune": "name",
    "code_postal": "postal_code",
}


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normalize_name(name: str) -> str:
    """The form used to compare a typed commune name with the referential's: upper case,
    no accents, hyphens and apostrophes as spaces, "ST" for "SAINT"."""
    text = re.sub(r"[\s\-'’]+", " ", _ascii(name).upper()).strip()
    return re.sub(r"\bSAINTE?\b", lambda m: "STE" if m.group(0) == "SAINTE" else "ST", text)


@dataclass
class ParseResult:
    rows: dict = field(default_factory=dict)  # (insee_code, postal_code) -> name
    bad_lines: list = field(default_factory=list)  # (line number, reason)


def _header_key(cell: str) -> str:
    return _ascii(cell.strip().lstrip("\ufeff#").strip()).lower().replace(" ", "_")


def parse_communes(text: str) -> ParseResult:
    """Parses the file's text; a bad line is reported, never fatal. A file without the
    expected header raises ValueError."""
    lines = text.splitlines()
    if not lines:
        raise ValueError("empty file")
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    header = [_header_key(cell) for cell in next(reader)]
    positions = {}
    for index, key in enumerate(header):
        if key in COLUMNS and COLUMNS[key] not in positions:
            positions[COLUMNS[key]] = index
    missing = set(FIELDS) - positions.keys()
    if missing:
        raise ValueError("missing column(s): " + ", ".join(sorted(missing)))
    result = ParseResult()
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        try:
            insee, name, postal = (cells[positions[k]].strip() for k in FIELDS)
        except IndexError:
            result.bad_lines.append((number, "missing columns"))
            continue
        insee = insee.upper()
        if not INSEE_RE.match(insee):
            result.bad_lines.append((number, f"invalid INSEE code {insee!r}"))
        elif not POSTAL_CODE_RE.match(postal):
            result.bad_lines.append((number, f"invalid postal code {postal!r}"))
        elif not name or len(name) > 100:
            result.bad_lines.append((number, "invalid commune name"))
        else:
            result.rows[(insee, postal)] = name
    return result


def decode(raw: bytes) -> str:
    """Recent files are UTF-8 (sometimes with a BOM), older ones Windows-1252."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


@dataclass
class UpsertReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def upsert_communes(commune_model, rows: dict, *, dry_run: bool = False) -> UpsertReport:
    """Creates the missing (INSEE code, postal code) pairs and renames the changed ones;
    running it twice changes nothing. Takes the model so a migration can pass its own."""
    report = UpsertReport()
    existing = {(c.insee_code, c.postal_code): c for c in commune_model.objects.all()}
    to_create, to_update = [], []
    for (insee, postal), name in rows.items():
        commune = existing.get((insee, postal))
        if commune is None:
            to_create.append(commune_model(insee_code=insee, postal_code=postal, name=name))
        elif commune.name != name:
            commune.name = name
            to_update.append(commune)
        else:
            report.unchanged += 1
    report.created, report.updated = len(to_create), len(to_update)
    if not dry_run:
        commune_model.objects.bulk_create(to_create, batch_size=1000)
        commune_model.objects.bulk_update(to_update, ["name"], batch_size=1000)
    return report
