"""Writes on dossiers. Every change of a section goes through here, so the rules hold whatever
the door (page, admin, import): sections after the personal information stay locked until it is
complete, and the personal information is frozen once an application has been submitted."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Dossier, PersonalInfo, Section
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


def personal_info_save(*, dossier: Dossier, actor, data: dict) -> PersonalInfo:
    """Creates or replaces the personal information; refused once frozen, and when the INE
    belongs to another candidate (checked again by the unique constraint against races)."""
    with transaction.atomic():
        locked = _lock(dossier)
        if locked.personal_info_frozen:
            raise PersonalInfoFrozen
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
