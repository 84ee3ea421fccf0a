"""The columns a staff member may pick for a table export, in groups, each reading one
application loaded by ``rows_queryset`` (no query per row). Values are text, numbers or naive
local datetimes; ``safe_cell`` neutralises what a spreadsheet would run as a formula."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from candidatures.models import Candidature


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    group: str
    read: object  # callable(candidature) -> value


def _info(c):
    return getattr(c.dossier, "personal_info", None)


def _address(c):
    return getattr(c.dossier, "address", None)


def _bac(c):
    return getattr(c.dossier, "baccalaureate", None)


def _get(obj, name, display=False):
    if obj is None:
        return ""
    if display:
        return str(getattr(obj, f"get_{name}_display")())
    value = getattr(obj, name)
    return "" if value is None else value


def _str(value):
    return "" if value in (None, "") else str(value)


def _country(value):
    return value.name if value else ""


def _phone(value):
    return value.as_international if value else ""


def _town(address):
    if address is None:
        return ""
    if address.commune_id:
        return f"{address.commune.postal_code} {address.commune.name}"
    return " ".join(filter(None, [address.foreign_postal_code, address.town]))


def _birth_place(info):
    if info is None:
        return ""
    return info.birth_commune.name if info.birth_commune_id else info.birth_town


def _external_cursus(c):
    return "; ".join(
        f"{line.year} {line.institution} — {line.diploma} ({line.get_obtained_display()})"
        for line in c.dossier.external_cursus.all()
    )


def _internal_cursus(c):
    return "; ".join(
        f"{line.year} {line.programme_code} {line.programme_title} {line.result}".strip()
        for line in c.dossier.internal_cursus.all()
    )


IDENTITY, CONTACT, STUDIES, APPLICATION, DATES = (
    _("Identity"),
    _("Contact"),
    _("Baccalaureate and cursus"),
    _("Application"),
    _("Dates"),
)

COLUMNS = [
    Column("number", _("Candidate no."), IDENTITY, lambda c: c.dossier.number),
    Column("civility", _("Civility"), IDENTITY, lambda c: _get(_info(c), "civility", True)),
    Column("birth_name", _("Birth name"), IDENTITY, lambda c: _get(_info(c), "birth_name")),
    Column("usage_name", _("Usage name"), IDENTITY, lambda c: _get(_info(c), "usage_name")),
    Column("first_names", _("First names"), IDENTITY, lambda c: _get(_info(c), "first_names")),
    Column("birth_date", _("Birth date"), IDENTITY, lambda c: _get(_info(c), "birth_date")),
    Column("birth_place", _("Birth place"), IDENTITY, lambda c: _birth_place(_info(c))),
    Column(
        "birth_country",
        _("Birth country"),
        IDENTITY,
        lambda c: _country(_get(_info(c), "birth_country")),
    ),
    Column(
        "nationality",
        _("Nationality"),
        IDENTITY,
        lambda c: _country(_get(_info(c), "nationality")),
    ),
    Column("ine", _("INE"), IDENTITY, lambda c: _get(_info(c), "ine")),
    Column("email", _("Email"), CONTACT, lambda c: c.dossier.user.email),
    Column("phone", _("Phone"), CONTACT, lambda c: _phone(_get(_info(c), "phone"))),
    Column("mobile", _("Mobile phone"), CONTACT, lambda c: _phone(_get(_info(c), "mobile_phone"))),
    Column(
        "address",
        _("Address"),
        CONTACT,
        lambda c: ", ".join(
            filter(None, [_get(_address(c), n) for n in ("line1", "line2", "line3")])
        ),
    ),
    Column("town", _("Postal code and town"), CONTACT, lambda c: _town(_address(c))),
    Column("country", _("Country"), CONTACT, lambda c: _country(_get(_address(c), "country"))),
    Column("bac_kind", _("Baccalaureate"), STUDIES, lambda c: _get(_bac(c), "kind", True)),
    Column("bac_year", _("Baccalaureate year"), STUDIES, lambda c: _get(_bac(c), "year")),
    Column("bac_series", _("Series"), STUDIES, lambda c: _str(_get(_bac(c), "series"))),
    Column("bac_mention", _("Honours"), STUDIES, lambda c: _str(_get(_bac(c), "mention"))),
    Column("bac_school", _("School"), STUDIES, lambda c: _get(_bac(c), "school")),
    Column("external_cursus", _("Cursus elsewhere"), STUDIES, _external_cursus),
    Column("internal_cursus", _("Cursus here"), STUDIES, _internal_cursus),
    Column("programme_code", _("Programme code"), APPLICATION, lambda c: c.programme.code),
    Column("programme", _("Programme"), APPLICATION, lambda c: c.programme.title),
    Column("centre", _("Centre"), APPLICATION, lambda c: c.programme.centre.name),
    Column("status", _("Status"), APPLICATION, lambda c: str(c.get_status_display())),
    Column(
        "decision",
        _("Decision"),
        APPLICATION,
        lambda c: str(c.get_decision_display()) if c.decision else "",
    ),
    Column("published", _("Decision published"), APPLICATION, lambda c: c.decision_visible),
    Column("rank", _("Waiting list rank"), APPLICATION, lambda c: c.waitlist_rank or ""),
    Column(
        "answer",
        _("Answer"),
        APPLICATION,
        lambda c: str(c.get_answer_display()) if c.answer else "",
    ),
    Column("created_at", _("Created at"), DATES, lambda c: c.created_at),
    Column("submitted_at", _("Submitted at"), DATES, lambda c: c.submitted_at),
    Column("return_deadline", _("Return deadline"), DATES, lambda c: c.return_deadline),
    Column(
        "decision_published_at",
        _("Decision published at"),
        DATES,
        lambda c: c.decision_published_at,
    ),
    Column(
        "confirmation_deadline",
        _("Confirmation deadline"),
        DATES,
        lambda c: c.programme.confirmation_deadline_for(c),
    ),
    Column("answered_at", _("Answered at"), DATES, lambda c: c.answered_at),
]
BY_KEY = {column.key: column for column in COLUMNS}
PIECES = "pieces"  # the pseudo-column: one column per document type asked for
# The commission's pseudo-column: the average score, the decision's details, then a score and a
# comment column per member who gave an opinion (``commissions.exports.opinion_columns``).
OPINIONS = "opinions"
DEFAULT_KEYS = ["number", "birth_name", "first_names", "email", "programme_code", "status"]
# What a commission's table holds: who, for what, the decision, then the opinions.
COMMISSION_KEYS = [
    "number",
    "birth_name",
    "usage_name",
    "first_names",
    "email",
    "programme_code",
    "programme",
    "submitted_at",
    "decision",
    "published",
    "rank",
    "answer",
    OPINIONS,
]


def rows_queryset():
    """Everything the columns read, in a fixed number of queries per chunk of rows."""
    from pieces.models import Piece

    return Candidature.objects.select_related(
        "dossier__user",
        "dossier__personal_info__birth_commune",
        "dossier__address__commune",
        "dossier__baccalaureate__series",
        "dossier__baccalaureate__mention",
        "programme__centre",
    ).prefetch_related(
        "dossier__external_cursus",
        "dossier__internal_cursus",
        Prefetch(
            "pieces", queryset=Piece.objects.only("candidature_id", "piece_type_id", "status")
        ),
    )


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value a spreadsheet shows as written: text starting like a formula gets a leading
    apostrophe (OWASP's advice for CSV injection); datetimes become local and naive."""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, int | float | date):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
