"""Writes on pieces: store, delete, "not concerned". Files are written to storage before the
row changes and removed again if the transaction fails; a replaced file is deleted only after
the commit, and only when no row names it any more (shared pieces)."""

import logging

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from candidatures.models import Candidature, Status
from candidatures.workflow import Stage, candidate_may_change, stage_of
from ecandidat.errors import DomainError
from ecandidat.storage import storage_errors

from .antivirus import ScanResult, ScanStatus
from .files import CleanFile
from .models import PIECES_PREFIX, Piece, PieceStatus, PieceType
from .selectors import required_pieces, reusable_piece

logger = logging.getLogger(__name__)


class PieceError(DomainError):
    """Base of the reasons a piece cannot be changed; ``message`` is translated."""

    default_message = _("This document cannot be changed.")


class PieceLocked(PieceError):
    default_message = _(
        "This application has been submitted: its documents can no longer be changed."
    )


class OnlyRefusedPieces(PieceError):
    default_message = _("Only the documents that were refused can be sent again.")


class ReturnDeadlinePassed(PieceError):
    default_message = _("The return deadline has passed: documents can no longer be changed.")


class NotRequired(PieceError):
    default_message = _("This programme does not ask for this document.")


class NotConditional(PieceError):
    default_message = _("This document is required from every candidate.")


class NothingToReuse(PieceError):
    default_message = _("There is no document sent with another application to reuse.")


class VirusFound(PieceError):
    default_message = _(
        "Our antivirus found a threat in this file, so it was not kept. Scan your device, "
        "then send a clean copy of the document."
    )


class StorageUnavailable(PieceError):
    default_message = _(
        "Your document could not be stored just now: please send it again in a few minutes. "
        "The document you had sent before is kept."
    )


def _lock(candidature: Candidature) -> Candidature:
    return (
        Candidature.objects.select_for_update(of=("self",))
        .select_related("programme__campaign", "dossier")
        .get(pk=candidature.pk)
    )


def _check_editable(candidature, piece_type, *, draft_only: bool) -> bool:
    """Raises unless the candidate may change this piece now; True when it is a draft."""
    programme = candidature.programme
    stage = stage_of(candidature)
    if stage not in (Stage.DRAFT, Stage.INCOMPLETE) or programme.campaign.is_archived:
        raise PieceLocked
    if not candidate_may_change(candidature):
        raise ReturnDeadlinePassed
    if piece_type.pk not in {r.piece_type_id for r in required_pieces(programme)}:
        raise NotRequired
    if stage == Stage.INCOMPLETE:
        refused = Piece.objects.filter(
            candidature=candidature, piece_type=piece_type, status=PieceStatus.REFUSED
        ).exists()
        if draft_only or not refused:
            raise OnlyRefusedPieces
        return False
    return True


def piece_check_editable(*, candidature: Candidature, piece_type: PieceType) -> None:
    """For pages: raises the PieceError a change would meet now (no lock, nothing written)."""
    _check_editable(candidature, piece_type, draft_only=False)


def _drafts_sharing(candidature, piece_type):
    """The other drafts of the same candidate that ask for this shared piece."""
    others = (
        Candidature.objects.filter(dossier_id=candidature.dossier_id, status=Status.DRAFT)
        .exclude(pk=candidature.pk)
        .select_related("programme")
    )
    return [
        c
        for c in others
        if piece_type.pk in {r.piece_type_id for r in required_pieces(c.programme)}
    ]


def delete_unreferenced(names) -> None:
    """Deletes the stored files no row names any more (run after commit)."""
    for name in set(filter(None, names)):
        if not Piece.objects.filter(file=name).exists():
            try:
                default_storage.delete(name)
            except storage_errors():  # the sweep command will find it
                logger.warning("could not delete %s", name)


def _discard(name: str) -> None:
    """Deletes a file no row names, without asking the database (which may be what failed)."""
    try:
        default_storage.delete(name)
    except storage_errors():  # the sweep command will find it
        logger.warning("could not delete %s", name)


def _set(candidatures, piece_type, **fields) -> None:
    """Writes ``fields`` on the piece of each application; the files they named before are
    deleted after the commit if no row names them any more."""
    previous = []
    for candidature in candidatures:
        piece, _created = Piece.objects.select_for_update().get_or_create(
            candidature=candidature, piece_type=piece_type
        )
        previous.append(piece.file.name)
        for name, value in fields.items():
            setattr(piece, name, value)
        piece.save()
    transaction.on_commit(lambda: delete_unreferenced(previous))


def _clear(candidatures, piece_type, *, status) -> None:
    """No file any more."""
    _set(
        candidatures,
        piece_type,
        file="",
        original_name="",
        size=0,
        content_type="",
        status=status,
        uploaded_at=None,
    )


def _check_owner(candidature, actor) -> None:
    if actor is None or actor.pk != candidature.dossier.user_id:
        raise PieceLocked


def piece_store(
    *, candidature: Candidature, piece_type: PieceType, clean: CleanFile, scan: ScanResult, actor
) -> Piece:
    """Stores a checked file as this application's piece (replacing any previous one). A
    shared piece sent on a draft goes to every draft of the candidate that asks for it."""
    _check_owner(candidature, actor)
    if scan.status == ScanStatus.INFECTED:
        raise VirusFound
    status = PieceStatus.UPLOADED if scan.usable else PieceStatus.PENDING_SCAN
    content = clean.content_file()
    name = f"{PIECES_PREFIX}/{content.name}"  # random: nobody else's
    try:
        stored = default_storage.save(name, content)
    except storage_errors() as error:
        # The answer may have been lost after the object was written: remove what may be
        # there under our name (if the storage is still down, the orphan sweep will).
        logger.warning("storing %s failed: %r", name, error)
        _discard(name)
        raise StorageUnavailable from error
    try:
        with transaction.atomic():
            locked = _lock(candidature)
            draft = _check_editable(locked, piece_type, draft_only=False)
            targets = [locked]
            if draft and piece_type.shared:
                targets += _drafts_sharing(locked, piece_type)
            _set(
                targets,
                piece_type,
                file=stored,
                original_name=clean.name,
                size=clean.size,
                content_type=clean.content_type,
                status=status,
                refusal_comment="",
                uploaded_at=timezone.now(),
            )
    except BaseException:
        _discard(stored)  # nothing names it: the row change was rolled back
        raise
    return Piece.objects.get(candidature=candidature, piece_type=piece_type)


def piece_reuse_shared(*, candidature: Candidature, piece_type: PieceType, actor) -> Piece:
    """A draft created after a shared piece was sent takes the same stored file (no copy)."""
    _check_owner(candidature, actor)
    with transaction.atomic():
        locked = _lock(candidature)
        _check_editable(locked, piece_type, draft_only=True)
        source = reusable_piece(locked, piece_type)
        if source is None:
            raise NothingToReuse
        _set(
            [locked],
            piece_type,
            file=source.file.name,
            original_name=source.original_name,
            size=source.size,
            content_type=source.content_type,
            status=PieceStatus.UPLOADED,
            refusal_comment="",
            uploaded_at=source.uploaded_at,
        )
    return Piece.objects.get(candidature=candidature, piece_type=piece_type)


def piece_delete(*, candidature: Candidature, piece_type: PieceType, actor) -> None:
    """Back to "missing" (on every draft sharing the same file); the file goes after commit."""
    _check_owner(candidature, actor)
    with transaction.atomic():
        locked = _lock(candidature)
        _check_editable(locked, piece_type, draft_only=True)
        targets = [locked]
        current = Piece.objects.filter(candidature=locked, piece_type=piece_type).first()
        if piece_type.shared and current is not None and current.file:
            targets += [
                c
                for c in _drafts_sharing(locked, piece_type)
                if Piece.objects.filter(
                    candidature=c, piece_type=piece_type, file=current.file.name
                ).exists()
            ]
        _clear(targets, piece_type, status=PieceStatus.MISSING)


def piece_not_concerned(*, candidature: Candidature, piece_type: PieceType, actor) -> None:
    """The candidate is not concerned by a conditional piece (any file sent is dropped)."""
    _check_owner(candidature, actor)
    with transaction.atomic():
        locked = _lock(candidature)
        _check_editable(locked, piece_type, draft_only=True)
        requirement = next(
            r for r in required_pieces(locked.programme) if r.piece_type_id == piece_type.pk
        )
        if not requirement.is_conditional:
            raise NotConditional
        _clear([locked], piece_type, status=PieceStatus.NOT_CONCERNED)


# --- The staff's review of the documents ---------------------------------------------------


class NotReviewable(PieceError):
    default_message = _(
        "Documents are reviewed while the application is “Received”: this one is not."
    )


class NothingToValidate(PieceError):
    default_message = _("There is no file to validate for this document.")


class ReasonRequired(PieceError):
    default_message = _("Give the reason for the refusal: the candidate reads it.")


class NotYourCentre(PieceError):
    default_message = _("You are not allowed to review this application.")


def _lock_for_review(piece: Piece, actor) -> tuple[Candidature, Piece]:
    """Locks the application (staff-scoped: another centre's staff meet NotYourCentre) and
    the piece; the application must be waiting for its completeness review."""
    try:
        candidature = (
            Candidature.objects.for_staff(actor)
            .select_for_update(of=("self",))
            .select_related("programme__campaign")
            .get(pk=piece.candidature_id)
        )
    except Candidature.DoesNotExist as error:
        raise NotYourCentre from error
    locked = Piece.objects.select_for_update().select_related("piece_type").get(pk=piece.pk)
    if stage_of(candidature) != Stage.RECEIVED or candidature.programme.campaign.is_archived:
        raise NotReviewable
    return candidature, locked


def _review(piece, *, actor, status, reason, action) -> Piece:
    with transaction.atomic():
        _candidature, locked = _lock_for_review(piece, actor)
        has_file = bool(locked.file) and locked.status != PieceStatus.PENDING_SCAN
        # A document is validated when there is a file; refused also when the candidate
        # declared "not concerned" (they are).
        if not has_file and not (
            status == PieceStatus.REFUSED and locked.status == PieceStatus.NOT_CONCERNED
        ):
            raise NothingToValidate
        before = {"status": locked.status, "reason": locked.refusal_comment}
        locked.status = status
        locked.refusal_comment = reason
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = actor
        locked.save(update_fields=["status", "refusal_comment", "reviewed_at", "reviewed_by"])
        audit_record(
            actor=actor,
            action=action,
            obj=locked,
            before=before,
            after={"status": locked.status, "reason": locked.refusal_comment},
            at=locked.reviewed_at,
        )
    return locked


def piece_validate(*, piece: Piece, actor) -> Piece:
    """Staff accept a sent document (a "not concerned" declaration needs no validation)."""
    return _review(
        piece, actor=actor, status=PieceStatus.VALIDATED, reason="", action="piece.validate"
    )


def piece_refuse(*, piece: Piece, actor, reason: str) -> Piece:
    """Staff refuse a document (or a "not concerned" declaration) with the reason the
    candidate will read, in the "incomplete" mail and on the application page."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired
    return _review(
        piece, actor=actor, status=PieceStatus.REFUSED, reason=reason, action="piece.refuse"
    )


def piece_settle_scan(*, piece_id: int, name: str, scan: ScanResult) -> str:
    """Applies a later antivirus verdict to a piece left « being checked » (the antivirus was
    down when it was sent): clean, or no antivirus any more, makes it sent; a virus removes
    the file (the piece is missing again and the candidate sends another); no answer leaves it.
    The piece is locked and must still hold the scanned file: a file replaced meanwhile is
    the new upload's business. Returns what happened: sent, removed, pending or skipped."""
    with transaction.atomic():
        piece = Piece.objects.select_for_update().filter(pk=piece_id).first()
        if piece is None or piece.status != PieceStatus.PENDING_SCAN or piece.file.name != name:
            return "skipped"
        if scan.status == ScanStatus.PENDING:
            return "pending"
        before = {"status": piece.status, "file": piece.original_name}
        if scan.status == ScanStatus.INFECTED:
            outcome, comment = "removed", scan.signature
            _clear([piece.candidature], piece.piece_type, status=PieceStatus.MISSING)
            piece.refresh_from_db()
        else:
            outcome, comment = "sent", ""
            piece.status = PieceStatus.UPLOADED
            piece.save(update_fields=["status"])
        audit_record(
            actor=None,
            action="piece.rescan",
            obj=piece,
            before=before,
            after={"status": piece.status},
            comment=comment,
        )
    return outcome
