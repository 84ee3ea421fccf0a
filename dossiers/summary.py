"""The dossier as a reader sees it: each section's fields with their display values. Shared by
the section pages and the PDF copy of an application."""

from dataclasses import dataclass, field

from django_countries.fields import Country
from phonenumber_field.phonenumber import PhoneNumber

from .forms import BaccalaureateForm, ExperienceForm, ExternalCursusForm, InternshipForm
from .models import Section
from .selectors import REPEATABLE_SECTIONS, SINGLE_SECTIONS, section_object

SUMMARY_FIELDS = {
    Section.PERSONAL_INFO: [
        "civility",
        "birth_name",
        "usage_name",
        "first_names",
        "birth_date",
        "birth_country",
        "birth_commune",
        "birth_town",
        "nationality",
        "ine",
        "phone",
        "mobile_phone",
    ],
    Section.ADDRESS: [
        "line1",
        "line2",
        "line3",
        "commune",
        "foreign_postal_code",
        "town",
        "country",
    ],
    Section.BACCALAUREATE: BaccalaureateForm._meta.fields,
}
# The list of a repeatable section shows every field its form asks for.
LINE_COLUMNS = {
    Section.EXTERNAL_CURSUS: ExternalCursusForm._meta.fields,
    Section.INTERNSHIPS: InternshipForm._meta.fields,
    Section.EXPERIENCES: ExperienceForm._meta.fields,
}


def display(obj, name):
    """A field's value as the candidate reads it."""
    field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if value in (None, ""):
        return ""
    if isinstance(value, Country):
        return value.name
    if isinstance(value, PhoneNumber):
        return value.as_international
    if field.choices and not isinstance(value, Country):
        return getattr(obj, f"get_{name}_display")()
    return value


@dataclass
class SectionSummary:
    key: str
    label: str
    rows: list = field(default_factory=list)  # single sections: (label, value)
    headers: list = field(default_factory=list)  # repeatable sections
    lines: list = field(default_factory=list)  # repeatable sections: [value, ...] per line
    declared_none: bool = False


def dossier_summary(dossier) -> list[SectionSummary]:
    """Every filled section of the dossier in the guide's order (3 queries for the lines)."""
    summaries = []
    for key, label in Section.choices:
        summary = SectionSummary(key=key, label=str(label))
        if key in SINGLE_SECTIONS:
            obj = section_object(dossier, key)
            if obj is not None:
                summary.rows = [
                    (obj._meta.get_field(name).verbose_name, display(obj, name))
                    for name in SUMMARY_FIELDS[key]
                ]
        elif key in REPEATABLE_SECTIONS:
            model, flag = REPEATABLE_SECTIONS[key]
            columns = LINE_COLUMNS[key]
            summary.headers = [model._meta.get_field(name).verbose_name for name in columns]
            summary.lines = [
                [display(line, name) for name in columns]
                for line in model.objects.filter(dossier=dossier)
            ]
            summary.declared_none = getattr(dossier, flag)
        else:
            continue
        summaries.append(summary)
    return summaries
