"""Writes on dossiers. Every change of a section goes through here, so the rules hold whatever
the door (page, admin, import): sections after the personal information stay locked until it is
complete, and the personal information is frozen once an application has been submitted."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Dossier, InternalCursus, PersonalInfo, RecordsStatus, Section, stored_value
from .selectors import REPEATABLE_SECTIONS, SINGLE_SECTIONS

logger = logging.getLogger(__name__)


class DossierError(Exception):
    """Base of the reasons a change to a dossier is refused."""


class SectionLocked(DossierError):
    """The personal information must be complete first."""


class PersonalInfoFrozen(DossierError):
    """An application has been submitted: the personal information no longer changes."""


class IneAlreadyUsed(DossierError):
    """Another candidate's dossier holds this INE."""


class LinesExist(DossierError):
    """ "I have none" was ticked on a section that has lines."""


def dossier_create(*, user) -> Dossier:
    """Creates the candidate's dossier, numbered by their candidate number (idempotent)."""
    dossier, created = Dossier.objects.get_or_create(
        user=user, defaults={"number": user.candidate_number}
    )
    if created:
        logger.info("dossier created: %s", dossier.number)
    return dossier


def _lock(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


def _ensure_unlocked(dossier: Dossier) -> None:
    if not PersonalInfo.objects.filter(dossier=dossier).exists():
        raise SectionLocked


def _keep_locked(dossier: Dossier, section: str, model, data: dict) -> dict:
    """The candidate's data with every field imported from the student records put back to
    its current value: whatever the door, the records' values are not the candidate's to
    change."""
    locked = dossier.locked_fields(section)
    if not locked:
        return data
    current = model.objects.filter(dossier=dossier).first()
    if current is None:
        return data
    return {**data, **{name: getattr(current, name) for name in locked if name in data}}


def personal_info_save(*, dossier: Dossier, actor, data: dict) -> PersonalInfo:
    """Creates or replaces the personal information; refused once frozen, and when the INE
    belongs to another candidate (checked again by the unique constraint against races)."""
    with transaction.atomic():
        locked = _lock(dossier)
        if locked.personal_info_frozen:
            raise PersonalInfoFrozen
        data = _keep_locked(locked, Section.PERSONAL_INFO, PersonalInfo, data)
        ine = data.get("ine") or ""
        if ine and PersonalInfo.objects.filter(ine=ine).exclude(dossier=locked).exists():
            raise IneAlreadyUsed
        try:
            with transaction.atomic():
                info, _created = PersonalInfo.objects.update_or_create(
                    dossier=locked, defaults=data
                )
        except IntegrityError as error:
            raise IneAlreadyUsed from error
    logger.info("personal info saved: dossier %s by %s", dossier.number, actor.pk)
    return info


def section_save(*, dossier: Dossier, actor, section: str, data: dict):
    """Creates or replaces a single section other than the personal information."""
    if section == Section.PERSONAL_INFO:
        return personal_info_save(dossier=dossier, actor=actor, data=data)
    model = Dossier._meta.get_field(SINGLE_SECTIONS[section]).related_model
    with transaction.atomic():
        locked = _lock(dossier)
        _ensure_unlocked(locked)
        data = _keep_locked(locked, section, model, data)
        obj, _created = model.objects.update_or_create(dossier=locked, defaults=data)
    logger.info("%s saved: dossier %s by %s", section, dossier.number, actor.pk)
    return obj


def line_save(*, dossier: Dossier, actor, section: str, data: dict, line=None):
    """Adds a line to a repeatable section (``line`` None) or changes one of its lines; a line
    makes "I have none" false."""
    model, flag = REPEATABLE_SECTIONS[section]
    with transaction.atomic():
        locked = _lock(dossier)
        _ensure_unlocked(locked)
        if line is None:
            line = model(dossier=locked)
        elif line.dossier_id != locked.pk:
            raise model.DoesNotExist
        for name, value in data.items():
            setattr(line, name, value)
        line.save()
        if getattr(locked, flag):
            setattr(locked, flag, False)
            locked.save(update_fields=[flag])
    logger.info("%s line saved: dossier %s by %s", section, dossier.number, actor.pk)
    return line


def line_delete(*, dossier: Dossier, actor, section: str, line) -> None:
    model, _flag = REPEATABLE_SECTIONS[section]
    with transaction.atomic():
        locked = _lock(dossier)
        _ensure_unlocked(locked)
        model.objects.filter(dossier=locked, pk=line.pk).delete()
    logger.info("%s line deleted: dossier %s by %s", section, dossier.number, actor.pk)


def section_declare_none(*, dossier: Dossier, actor, section: str, none: bool) -> None:
    """Records "I have none" for a repeatable section, which then counts as complete."""
    model, flag = REPEATABLE_SECTIONS[section]
    with transaction.atomic():
        locked = _lock(dossier)
        _ensure_unlocked(locked)
        if none and model.objects.filter(dossier=locked).exists():
            raise LinesExist
        setattr(locked, flag, none)
        locked.save(update_fields=[flag])


def dossier_freeze_personal_info(*, dossier: Dossier) -> Dossier:
    """Freezes the personal information. Called by the application submit transition inside
    its own transaction, so a rolled-back submission leaves the dossier editable. Idempotent:
    the first submission's time is kept."""
    with transaction.atomic():
        locked = _lock(dossier)
        if locked.personal_info_frozen_at is None:
            locked.personal_info_frozen_at = timezone.now()
            locked.save(update_fields=["personal_info_frozen_at"])
    dossier.personal_info_frozen_at = locked.personal_info_frozen_at
    return locked


def dossier_import_records(
    *, dossier: Dossier, student_number: str, sections: dict, cursus: list[dict] | None
) -> list[str]:
    """Writes what the student records hold into the dossier and returns the fields that
    changed ("section.field").

    ``sections`` maps a single section to its imported values (model field -> value). In the
    sections the records are authoritative for (``RECORDS_LOCKED_SECTIONS``) the imported
    values replace the current ones and stay locked; elsewhere (the address) a value replaces
    the current one only where the candidate has not changed what the previous import wrote.
    Fields the records do not hold (phone, usage name...) are never touched. Frozen personal
    information is left as it is. ``cursus`` (None: the records said nothing) replaces the
    internal cursus, which only the records write.
    """
    from .models import RECORDS_LOCKED_SECTIONS

    changed = []
    with transaction.atomic():
        locked = _lock(dossier)
        imported = dict(locked.imported_fields)
        for section, values in sections.items():
            if section == Section.PERSONAL_INFO and locked.personal_info_frozen:
                continue
            model = Dossier._meta.get_field(SINGLE_SECTIONS[section]).related_model
            obj = model.objects.filter(dossier=locked).first()
            previous = imported.get(section, {})
            authoritative = section in RECORDS_LOCKED_SECTIONS
            if obj is None:
                obj = model(dossier=locked)
                authoritative = True
            for name, value in values.items():
                current = stored_value(getattr(obj, name, None))
                candidate_changed = name in previous and previous[name] != current
                if not authoritative and (candidate_changed or name not in previous):
                    continue
                if current != stored_value(value):
                    setattr(obj, name, value)
                    changed.append(f"{section}.{name}")
            if section == Section.PERSONAL_INFO and obj.ine:
                taken = PersonalInfo.objects.filter(ine=obj.ine).exclude(dossier=locked)
                if taken.exists():
                    raise IneAlreadyUsed
            obj.save()
            imported[section] = {name: stored_value(value) for name, value in values.items()}
        if cursus is not None:
            existing = [
                (line.year, line.programme_code, line.programme_title, line.result)
                for line in InternalCursus.objects.filter(dossier=locked).order_by("-year", "pk")
            ]
            wanted = [
                (line["year"], line["programme_code"], line["programme_title"], line["result"])
                for line in cursus
            ]
            if sorted(existing) != sorted(wanted):
                InternalCursus.objects.filter(dossier=locked).delete()
                InternalCursus.objects.bulk_create(
                    InternalCursus(dossier=locked, **line) for line in cursus
                )
                changed.append(f"{Section.INTERNAL_CURSUS}")
        locked.imported_fields = imported
        locked.student_number = student_number
        locked.records_imported_at = timezone.now()
        locked.records_status = RecordsStatus.IMPORTED
        locked.save(
            update_fields=[
                "imported_fields",
                "student_number",
                "records_imported_at",
                "records_status",
            ]
        )
    logger.info("records imported: dossier %s, changed %s", dossier.number, changed or "-")
    return changed


def dossier_records_failed(*, dossier: Dossier, status: str) -> None:
    """Records why the student records could not be imported (shown on the dossier page);
    what an earlier import wrote stays."""
    with transaction.atomic():
        locked = _lock(dossier)
        locked.records_status = status
        locked.save(update_fields=["records_status"])
