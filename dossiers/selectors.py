"""Reads on dossiers: the candidate's dossier with everything a section page shows in one
query, the state of each section, and what is still missing for a set of programmes."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

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


def _dossiers():
    lines = {
        f"has_{key}_lines": Exists(model.objects.filter(dossier=OuterRef("pk")))
        for key, (model, _flag) in REPEATABLE_SECTIONS.items()
    }
    return Dossier.objects.select_related(
        "user",
        "personal_info__birth_commune",
        "address__commune",
        "baccalaureate__series",
        "baccalaureate__mention",
    ).annotate(**lines)


def dossier_for(user) -> Dossier | None:
    """The candidate's dossier, or None: a pure read. The dossier is created at activation
    (``accounts.services.account_activate``); accounts activated before that were given theirs
    by migration 0003, and staff have none."""
    if not user.is_authenticated:
        return None
    return _dossiers().filter(user=user).first()


def section_object(dossier: Dossier, section: str):
    """The row of a single section, or None when the candidate has not filled it yet."""
    return getattr(dossier, SINGLE_SECTIONS[section], None)


def _has_lines(dossier: Dossier, section: str) -> bool:
    annotated = getattr(dossier, f"has_{section}_lines", None)
    if annotated is not None:
        return annotated
    model, _flag = REPEATABLE_SECTIONS[section]
    return model.objects.filter(dossier=dossier).exists()


def section_complete(dossier: Dossier, section: str) -> bool:
    if section == Section.PERSONAL_INFO:
        # Imported from the student records, it may still lack the phone the candidate adds.
        info = section_object(dossier, section)
        return info is not None and bool(info.phone)
    if section in SINGLE_SECTIONS:
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
