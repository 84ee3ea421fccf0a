"""Writes of the ENT app: signing in with an ENT identity (CAS), linking it to an existing
account after its password was proved, the INE given at sign-up, and importing the student
records into the dossier (one audited attempt per call).

Accounts are found by the identity provider's identifier only. An ENT identity whose email
already belongs to an account is never attached to it silently: the person must prove they
own that account (its password) first.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import account_create_vouched, account_vouch
from audit.models import AuditEntry
from audit.services import audit_record
from dossiers.models import (
    BacMention,
    BacSeries,
    Commune,
    Dossier,
    RecordsStatus,
    Section,
)
from dossiers.services import (
    IneAlreadyUsed,
    dossier_create,
    dossier_import_records,
    dossier_records_failed,
)

from .models import EntIdentity, ImportOutcome, ImportSource, IneClaim
from .records import RecordsUnavailable, StudentRecord, get_student_records

logger = logging.getLogger(__name__)


class EntError(Exception):
    """Base of the reasons an ENT sign-in cannot go on."""


class EmailBelongsToAccount(EntError):
    """The ENT's email is an existing account's, not linked to this identity yet."""

    def __init__(self, user: User):
        super().__init__(user.pk)
        self.user = user


class NoEmailFromEnt(EntError):
    """The ENT sent no email address: an account cannot be created."""


class AlreadyLinked(EntError):
    """This account is already linked to another identity of the same provider."""


@dataclass(frozen=True)
class EntClaims:
    """What the identity provider says about the person (CAS attributes, OIDC claims)."""

    provider: str
    uid: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    student_number: str = ""

    def as_session(self) -> dict:
        return self.__dict__.copy()

    @classmethod
    def from_session(cls, data: dict) -> EntClaims:
        return cls(**data)


def _first(value) -> str:
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return str(value or "").strip()


def claims_from_attributes(*, provider: str, uid: str, attributes: dict | None) -> EntClaims:
    """Claims from CAS attributes or OIDC claims, by the attribute names in settings."""
    attributes = attributes or {}
    names = settings.ENT_OIDC_CLAIMS if provider == "oidc" else settings.ENT_CAS_ATTRIBUTES
    return EntClaims(
        provider=provider,
        uid=uid,
        email=_first(attributes.get(names["email"])).lower(),
        first_name=_first(attributes.get(names["first_name"])),
        last_name=_first(attributes.get(names["last_name"])),
        student_number=_first(attributes.get(names["student_number"])),
    )


def records_import_queue(*, user: User, source: str, student_number: str = "") -> None:
    """Imports the student records after commit, in a Celery task: the records system may be
    slow, and a sign-in never waits for it inside a transaction."""
    from .tasks import import_student_records

    transaction.on_commit(
        lambda: import_student_records.delay(user.pk, source, student_number or "")
    )


def identity_sign_in(*, claims: EntClaims) -> User:
    """The account of an ENT identity: the linked one, or a new one when the identity is
    unknown and its email is nobody's. Raises EmailBelongsToAccount or NoEmailFromEnt."""
    try:
        return _identity_sign_in(claims)
    except IntegrityError:
        # The same first sign-in raced in another request and created the account: use it.
        return _identity_sign_in(claims)


def _identity_sign_in(claims: EntClaims) -> User:
    with transaction.atomic():
        identity = (
            EntIdentity.objects.select_for_update()
            .select_related("user")
            .filter(provider=claims.provider, uid=claims.uid)
            .first()
        )
        if identity is None:
            if not claims.email:
                raise NoEmailFromEnt
            existing = User.objects.filter(email__iexact=claims.email).first()
            if existing is not None:
                raise EmailBelongsToAccount(existing)
            user = account_create_vouched(
                email=claims.email, first_name=claims.first_name, last_name=claims.last_name
            )
            identity = EntIdentity.objects.create(
                provider=claims.provider, uid=claims.uid, user=user
            )
        identity.last_sign_in_at = timezone.now()
        if claims.student_number:
            identity.student_number = claims.student_number
        identity.save(update_fields=["last_sign_in_at", "student_number"])
        user = identity.user
        if claims.student_number:
            records_import_queue(
                user=user, source=claims.provider, student_number=claims.student_number
            )
    logger.info("ENT sign-in %s:%s -> %s", claims.provider, claims.uid, user.candidate_number)
    return user


def identity_link(*, user: User, claims: EntClaims) -> User:
    """Links an ENT identity to an account whose owner has just proved its password (the
    caller checks it). The ENT vouches for the address, so a pending account is activated."""
    with transaction.atomic():
        if EntIdentity.objects.filter(user=user, provider=claims.provider).exists():
            raise AlreadyLinked
        EntIdentity.objects.create(
            provider=claims.provider,
            uid=claims.uid,
            user=user,
            student_number=claims.student_number,
            last_sign_in_at=timezone.now(),
        )
        user = account_vouch(user=user)
        if claims.student_number:
            records_import_queue(
                user=user, source=claims.provider, student_number=claims.student_number
            )
    logger.info("ENT identity %s:%s linked to %s", claims.provider, claims.uid, user.pk)
    return user


def records_import_on_activation(*, user: User) -> None:
    """An account created with the INE gets its records imported once activated."""
    if IneClaim.objects.filter(user=user).exists():
        records_import_queue(user=user, source=ImportSource.INE)


def ine_claim_save(*, user: User, ine: str, birth_date) -> IneClaim:
    claim, _created = IneClaim.objects.update_or_create(
        user=user, defaults={"ine": ine, "birth_date": birth_date}
    )
    return claim


# --- Import ---------------------------------------------------------------------------------


def _commune(insee_code: str, postal_code: str = ""):
    if not insee_code:
        return None
    communes = Commune.objects.filter(insee_code=insee_code).order_by("postal_code")
    if postal_code:
        communes = communes.filter(postal_code=postal_code) or communes
    return communes.first()


def record_sections(record: StudentRecord) -> tuple[dict, list[str]]:
    """The dossier's values for a record, and what could not be mapped (for the log)."""
    notes = []
    birth_commune = _commune(record.birth_insee_code) if record.birth_country == "FR" else None
    if record.birth_country == "FR" and record.birth_insee_code and birth_commune is None:
        notes.append(f"unknown birth commune {record.birth_insee_code}")
    sections = {
        Section.PERSONAL_INFO: {
            "civility": record.civility,
            "birth_name": record.birth_name,
            "first_names": record.first_names,
            "birth_date": record.birth_date,
            "birth_country": record.birth_country,
            "birth_commune": birth_commune,
            "birth_town": "" if record.birth_country == "FR" else record.birth_town,
            "nationality": record.nationality,
            "ine": record.ine,
        }
    }
    if not record.ine:
        del sections[Section.PERSONAL_INFO]["ine"]
    if record.birth_country == "FR" and birth_commune is None:
        # Not imported, so not locked: the candidate types the commune the records lack.
        del sections[Section.PERSONAL_INFO]["birth_commune"]
        del sections[Section.PERSONAL_INFO]["birth_town"]
    address = record.address
    if address and address.get("line1"):
        country = str(address.get("country") or "FR").upper()[:2]
        commune = None
        if country == "FR":
            commune = _commune(
                str(address.get("insee_code") or ""), str(address.get("postal_code") or "")
            )
            if commune is None:
                notes.append("address commune unknown: address not imported")
        if country != "FR" or commune is not None:
            sections[Section.ADDRESS] = {
                "country": country,
                "line1": str(address.get("line1") or "")[:150],
                "line2": str(address.get("line2") or "")[:150],
                "line3": str(address.get("line3") or "")[:150],
                "commune": commune,
                "town": "" if commune else str(address.get("town") or "")[:100],
                "foreign_postal_code": ""
                if commune
                else str(address.get("foreign_postal_code") or "")[:20],
            }
    bac = record.baccalaureate
    if bac and bac.get("kind") in ("french", "equivalent", "none"):
        series = BacSeries.objects.filter(code=bac.get("series") or "").first()
        mention = BacMention.objects.filter(code=bac.get("mention") or "").first()
        if bac.get("series") and series is None:
            notes.append(f"unknown baccalauréat series {bac.get('series')}")
        year = bac.get("year")
        values = {
            "kind": bac["kind"],
            "year": year if isinstance(year, int) else None,
            "series": series,
            "mention": mention,
            "specialities": str(bac.get("specialities") or "")[:200],
            "diploma_title": str(bac.get("diploma_title") or "")[:200],
            "school": str(bac.get("school") or "")[:200],
            "school_country": str(bac.get("school_country") or "").upper()[:2],
        }
        # A code our lists do not know is left to the candidate (unlocked), not locked empty.
        for name in ("series", "mention"):
            if bac.get(name) and values[name] is None:
                del values[name]
        sections[Section.BACCALAUREATE] = values
    return sections, notes


AUDIT_ACTION = "records_import"


def _log(*, user, dossier, source, looked_up_by, outcome, changed=(), detail="") -> AuditEntry:
    """The audit entry of one import attempt, on the dossier (inside the caller's transaction
    when the import wrote something, so the change and its entry commit together)."""
    with transaction.atomic():
        entry = audit_record(
            actor=user,
            action=AUDIT_ACTION,
            obj=dossier,
            after={
                "source": source,
                "looked_up_by": looked_up_by,
                "outcome": outcome,
                "changed": ", ".join(changed),
            },
            comment=detail[:500],
        )
    logger.info("records import %s for %s: %s %s", source, user.candidate_number, outcome, detail)
    return entry


def records_import(*, user: User, source: str, student_number: str = "") -> AuditEntry:
    """Looks the candidate up in the student records (by student number, else by the INE and
    birth date given at sign-up) and writes what is found into the dossier. The lookup runs
    outside any transaction; the write is one transaction with the dossier locked. Every
    attempt leaves an audit entry on the dossier, whatever its outcome."""
    records = get_student_records()
    dossier = dossier_create(user=user)
    claim = None if student_number else IneClaim.objects.filter(user=user).first()
    looked_up_by = "student_number" if student_number else "ine"
    if records is None:
        return _log(
            user=user,
            dossier=dossier,
            source=source,
            looked_up_by=looked_up_by,
            outcome="not_configured",
        )
    if not student_number and claim is None:
        return _log(
            user=user,
            dossier=dossier,
            source=source,
            looked_up_by="-",
            outcome=ImportOutcome.NOT_FOUND,
            detail="no student number and no INE to look up",
        )
    try:
        if student_number:
            record = records.lookup_by_student_number(student_number)
        else:
            record = records.lookup_by_ine(claim.ine, claim.birth_date)
    except RecordsUnavailable as error:
        dossier_records_failed(dossier=dossier, status=RecordsStatus.UNAVAILABLE)
        return _log(
            user=user,
            dossier=dossier,
            source=source,
            looked_up_by=looked_up_by,
            outcome=ImportOutcome.UNAVAILABLE,
            detail=str(error),
        )
    if record is None:
        dossier_records_failed(dossier=dossier, status=RecordsStatus.NOT_FOUND)
        return _log(
            user=user,
            dossier=dossier,
            source=source,
            looked_up_by=looked_up_by,
            outcome=ImportOutcome.NOT_FOUND,
        )
    sections, notes = record_sections(record)
    cursus = [line.__dict__ for line in record.cursus]
    # The change and its audit entry commit together.
    with transaction.atomic():
        outcome = ImportOutcome.IMPORTED
        try:
            with transaction.atomic():
                changed = dossier_import_records(
                    dossier=dossier,
                    student_number=record.student_number,
                    sections=sections,
                    cursus=cursus,
                )
        except IneAlreadyUsed:
            # Everything but the INE is imported; the candidate is told to use their account.
            sections[Section.PERSONAL_INFO].pop("ine", None)
            changed = dossier_import_records(
                dossier=dossier,
                student_number=record.student_number,
                sections=sections,
                cursus=cursus,
            )
            dossier_records_failed(dossier=dossier, status=RecordsStatus.INE_TAKEN)
            outcome = ImportOutcome.INE_TAKEN
        if outcome == ImportOutcome.IMPORTED and not changed:
            outcome = ImportOutcome.UNCHANGED
        return _log(
            user=user,
            dossier=dossier,
            source=source,
            looked_up_by=looked_up_by,
            outcome=outcome,
            changed=changed,
            detail="; ".join(notes),
        )


def records_retry_on_sign_in(*, user: User) -> bool:
    """An account created with the INE whose import found the records system down tries again
    at its next sign-in (ENT sign-ins import at every sign-in anyway)."""
    retry = (
        IneClaim.objects.filter(user=user).exists()
        and Dossier.objects.filter(user=user, records_status=RecordsStatus.UNAVAILABLE).exists()
    )
    if retry:
        records_import_queue(user=user, source=ImportSource.RETRY)
    return retry
