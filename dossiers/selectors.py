"""Reads on dossiers: the candidate's dossier and which sections are filled in one query, a
section's row when a page shows it, the state of each section, and what is still missing for
a set of programmes."""

import functools
from dataclasses import dataclass

from django.db import connection

from ecandidat.prepared import Prepared

from .models import (
    REQUIRABLE_SECTIONS,
    Dossier,
    Experience,
    ExternalCursus,
    Internship,
    Section,
    stored_value,
)

SINGLE_SECTIONS = {
    Section.PERSONAL_INFO: "personal_info",
    Section.ADDRESS: "address",
    Section.BACCALAUREATE: "baccalaureate",
}
# Repeatable section -> (its model, the dossier flag "I have none").
REPEATABLE_SECTIONS = {
    Section.EXTERNAL_CURSUS: (ExternalCursus, "has_no_external_cursus"),
    Section.INTERNSHIPS: (Internship, "has_no_internships"),
    Section.EXPERIENCES: (Experience, "has_no_experiences"),
}


# What a section page shows of its single section's row, fetched with it.
SINGLE_SECTION_RELATED = {
    Section.PERSONAL_INFO: ["birth_commune"],
    Section.ADDRESS: ["commune"],
    Section.BACCALAUREATE: ["series", "mention"],
}


def _section_row(section: str) -> Prepared:
    relation = Dossier._meta.get_field(SINGLE_SECTIONS[section])
    return Prepared(
        lambda dossier_id: relation.related_model.objects.select_related(
            *SINGLE_SECTION_RELATED[section]
        ).filter(dossier_id=dossier_id)
    )


# A section's row with what its page shows, the SQL written once per connection (its page is
# the one a candidate opens most, and compiling the join cost more than running it).
_SECTION_ROWS = {section: _section_row(section) for section in SINGLE_SECTIONS}


@functools.cache
def _dossier_sql() -> tuple[str, list, list[str]]:
    """The dossier's columns and, for each section, whether it has a row, in one statement
    written once per process. Every candidate page reads this; the ORM's version (seven
    tables joined, three Exists) cost more to compile than to run, and most pages only ask
    which sections are filled."""
    table = Dossier._meta.db_table
    fields = list(Dossier._meta.concrete_fields)
    present = {
        **{
            key: Dossier._meta.get_field(name).related_model._meta.db_table
            for key, name in SINGLE_SECTIONS.items()
        },
        **{key: model._meta.db_table for key, (model, _flag) in REPEATABLE_SECTIONS.items()},
    }
    exists = [
        f'EXISTS (SELECT 1 FROM "{other}" WHERE "{other}"."dossier_id" = "{table}"."id")'  # noqa: S608
        for other in present.values()
    ]
    # Imported from the student records, the personal information may still lack the phone
    # the candidate adds: it is complete only with it (section_complete).
    info = present[Section.PERSONAL_INFO]
    exists.append(
        f'EXISTS (SELECT 1 FROM "{info}" WHERE "{info}"."dossier_id" = "{table}"."id" '  # noqa: S608
        f'AND "{info}"."phone" <> \'\')'
    )
    columns = [f'"{table}"."{f.column}"' for f in fields] + exists
    sql = f'SELECT {", ".join(columns)} FROM "{table}" WHERE "{table}"."user_id" = %s'  # noqa: S608 (names from the models)
    return sql, fields, list(present)


def dossier_for(user) -> Dossier | None:
    """The candidate's dossier with which sections are filled (one query), or None: a pure
    read. The dossier is created at activation (``accounts.services.account_activate``);
    accounts activated before that were given theirs by migration 0003, and staff have none.
    A section's row is read when asked for (``section_object``)."""
    if not user.is_authenticated:
        return None
    sql, fields, sections = _dossier_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = [
        field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
        for field, value in zip(fields, row, strict=False)
    ]
    dossier = Dossier.from_db(connection.alias, [f.attname for f in fields], values)
    dossier.user = user
    flags = row[len(fields) :]
    dossier.sections_present = dict(zip(sections, flags[:-1], strict=True))
    dossier.personal_info_complete = flags[-1]
    return dossier


def dossier_details(dossier: Dossier) -> Dossier:
    """The dossier with every single section's row and what they point to (one query), for
    pages that show the whole dossier (the PDF copy)."""
    details = (
        Dossier.objects.select_related(
            "user",
            *(
                f"{name}__{related}"
                for key, name in SINGLE_SECTIONS.items()
                for related in SINGLE_SECTION_RELATED[key]
            ),
        )
        .filter(pk=dossier.pk)
        .get()
    )
    return details


def section_object(dossier: Dossier, section: str):
    """The row of a single section, or None when the candidate has not filled it yet (no
    query when ``dossier_for`` already knows it is empty)."""
    name = SINGLE_SECTIONS[section]
    present = getattr(dossier, "sections_present", None)
    if present is not None and not present[section]:
        return None
    relation = Dossier._meta.get_field(name)
    if relation.is_cached(dossier):
        return relation.get_cached_value(dossier)
    # One row at most: the relation is one-to-one.
    obj = next(iter(_SECTION_ROWS[section](dossier_id=dossier.pk)), None)
    relation.set_cached_value(dossier, obj)
    return obj


def _has_lines(dossier: Dossier, section: str) -> bool:
    present = getattr(dossier, "sections_present", None)
    if present is not None:
        return present[section]
    model, _flag = REPEATABLE_SECTIONS[section]
    return model.objects.filter(dossier=dossier).exists()


def section_complete(dossier: Dossier, section: str) -> bool:
    if section == Section.PERSONAL_INFO:
        if hasattr(dossier, "personal_info_complete"):  # read by dossier_for
            return dossier.personal_info_complete
        # Imported from the student records, it may still lack the phone the candidate adds.
        info = section_object(dossier, section)
        return info is not None and bool(info.phone)
    if section in SINGLE_SECTIONS:
        present = getattr(dossier, "sections_present", None)
        if present is not None:
            return present[section]
        return section_object(dossier, section) is not None
    if section in REPEATABLE_SECTIONS:
        _model, flag = REPEATABLE_SECTIONS[section]
        return getattr(dossier, flag) or _has_lines(dossier, section)
    return True  # the internal cursus is the university's to fill


def sections_unlocked(dossier: Dossier) -> bool:
    """Personal information comes first: the other sections wait until it is complete."""
    return section_complete(dossier, Section.PERSONAL_INFO)


@dataclass(frozen=True)
class SectionState:
    key: str
    label: str
    complete: bool
    locked: bool
    read_only: bool


def section_states(dossier: Dossier) -> list[SectionState]:
    unlocked = sections_unlocked(dossier)
    return [
        SectionState(
            key=key,
            label=label,
            complete=section_complete(dossier, key),
            locked=key != Section.PERSONAL_INFO and not unlocked,
            read_only=key == Section.INTERNAL_CURSUS,
        )
        for key, label in Section.choices
    ]


def missing_sections(*, dossier: Dossier, optional_sections: set[str]) -> list[str]:
    """Keys of the sections still to fill for programmes that make ``optional_sections``
    optional (e.g. DAEU: external cursus, internships, experiences), in the dossier's order."""
    return [
        key
        for key in REQUIRABLE_SECTIONS
        if key not in optional_sections and not section_complete(dossier, key)
    ]


def imported_fields(dossier: Dossier, section: str, obj) -> set[str]:
    """Fields of a section whose value is the one imported from the student records (marked
    « from the student records » on the page)."""
    if obj is None:
        return set()
    return {
        name
        for name, value in dossier.records_values(section).items()
        if stored_value(getattr(obj, name, None)) == value
    }
