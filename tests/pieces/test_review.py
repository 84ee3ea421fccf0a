"""The staff's review of the documents, through the real wiring: the candidate submits, staff
refuse a piece with its reason and mark the file incomplete, the mail names the piece and the
reason, the candidate replaces it and submits again, staff validate and mark it complete.
Every verdict is locked, guarded, scoped to the staff member's centres and audited."""

import pytest
from django.utils import translation

from audit.models import AuditEntry
from candidatures.models import Status
from candidatures.workflow import (
    CommentRequired,
    ReviewUnfinished,
    candidature_mark_complete,
    candidature_mark_incomplete,
    candidature_resubmit,
    candidature_submit,
)
from pieces import services
from pieces.models import PieceStatus
from tests.factories import CentreFactory, PieceTypeFactory, central_admin, centre_staff

from .test_services import store

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(media):
    """A received application asking for a transcript and a CV, both sent."""
    from .helpers import application

    transcript = PieceTypeFactory(label_fr="Relevé de notes", label_en="Transcript")
    cv = PieceTypeFactory(label_fr="CV", label_en="CV")
    candidature = application(None, transcript, cv)
    for piece_type in (transcript, cv):
        store(candidature, piece_type)
    candidature_submit(candidature=candidature, actor=candidature.dossier.user)
    return candidature


def pieces_of(candidature):
    return {p.piece_type.label_en: p for p in candidature.pieces.select_related("piece_type")}


def test_the_incomplete_mail_names_each_refused_piece_and_its_reason(
    submitted, mailoutbox, django_capture_on_commit_callbacks
):
    staff = centre_staff(submitted.programme.centre)
    pieces = pieces_of(submitted)
    with django_capture_on_commit_callbacks(execute=True):
        services.piece_refuse(
            piece=pieces["Transcript"], actor=staff, reason="Illisible : scannez en couleur"
        )
        services.piece_validate(piece=pieces["CV"], actor=staff)
        candidature_mark_incomplete(candidature=submitted, actor=staff)
    mail = mailoutbox[-1]
    assert mail.to == [submitted.dossier.user.email]
    assert "incomplet" in mail.subject.lower()
    assert "Relevé de notes : Illisible : scannez en couleur" in mail.body
    assert "CV" not in mail.body.split("refusées")[1].split("\n\n")[1]
    html = mail.alternatives[0][0]
    assert "<li>Relevé de notes : Illisible : scannez en couleur</li>" in html

    # The candidate replaces the refused piece and submits again; the validated one stays.
    store(submitted, pieces["Transcript"].piece_type)
    candidature_resubmit(candidature=submitted, actor=submitted.dossier.user)
    pieces = pieces_of(submitted)
    assert pieces["Transcript"].status == PieceStatus.UPLOADED
    assert pieces["Transcript"].refusal_comment == ""
    assert pieces["CV"].status == PieceStatus.VALIDATED
    services.piece_validate(piece=pieces["Transcript"], actor=staff)
    candidature_mark_complete(candidature=submitted, actor=staff)
    submitted.refresh_from_db()
    assert submitted.status == Status.COMPLETE


def test_the_mail_goes_in_the_candidates_language(
    submitted, mailoutbox, django_capture_on_commit_callbacks
):
    user = submitted.dossier.user
    user.language = "en"
    user.save()
    staff = centre_staff(submitted.programme.centre)
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        services.piece_refuse(
            piece=pieces_of(submitted)["Transcript"], actor=staff, reason="Unreadable"
        )
        candidature_mark_incomplete(candidature=submitted, actor=staff)
    assert "Transcript: Unreadable" in mailoutbox[-1].body


def test_a_refusal_needs_a_reason_and_is_audited(submitted):
    staff = centre_staff(submitted.programme.centre)
    piece = pieces_of(submitted)["Transcript"]
    with pytest.raises(services.ReasonRequired):
        services.piece_refuse(piece=piece, actor=staff, reason="   ")
    piece.refresh_from_db()
    assert piece.status == PieceStatus.UPLOADED
    services.piece_refuse(piece=piece, actor=staff, reason="Pas signé")
    entry = AuditEntry.objects.get(action="piece.refuse")
    assert entry.actor == staff and entry.object_id == str(piece.pk)
    assert entry.before == {"status": "uploaded", "reason": ""}
    assert entry.after == {"status": "refused", "reason": "Pas signé"}
    piece.refresh_from_db()
    assert piece.reviewed_by == staff and piece.reviewed_at is not None


def test_staff_of_another_centre_cannot_review(submitted):
    other = centre_staff(CentreFactory())
    piece = pieces_of(submitted)["Transcript"]
    with pytest.raises(services.NotYourCentre):
        services.piece_refuse(piece=piece, actor=other, reason="x")
    with pytest.raises(services.NotYourCentre):
        services.piece_validate(piece=piece, actor=other)
    assert not AuditEntry.objects.exists()
    services.piece_validate(piece=piece, actor=central_admin())


def test_staff_without_totp_cannot_review_when_it_is_required(submitted, settings):
    settings.STAFF_MFA_REQUIRED = True
    piece = pieces_of(submitted)["Transcript"]
    with pytest.raises(services.NotYourCentre):
        services.piece_validate(
            piece=piece, actor=centre_staff(submitted.programme.centre, totp=False)
        )


def test_pieces_are_reviewed_only_while_the_file_is_received(submitted):
    staff = centre_staff(submitted.programme.centre)
    pieces = pieces_of(submitted)
    services.piece_validate(piece=pieces["Transcript"], actor=staff)
    services.piece_validate(piece=pieces["CV"], actor=staff)
    candidature_mark_complete(candidature=submitted, actor=staff)
    with pytest.raises(services.NotReviewable):
        services.piece_refuse(piece=pieces["CV"], actor=staff, reason="Finalement non")


def test_complete_is_refused_while_a_piece_is_refused(submitted):
    staff = centre_staff(submitted.programme.centre)
    services.piece_refuse(piece=pieces_of(submitted)["CV"], actor=staff, reason="Pas à jour")
    with pytest.raises(ReviewUnfinished) as refused:
        candidature_mark_complete(candidature=submitted, actor=staff)
    assert "CV" in str(refused.value.message)
    submitted.refresh_from_db()
    assert submitted.status == Status.RECEIVED


def test_incomplete_needs_a_refused_piece_or_a_comment(submitted):
    staff = centre_staff(submitted.programme.centre)
    with pytest.raises(CommentRequired):
        candidature_mark_incomplete(candidature=submitted, actor=staff)
    candidature_mark_incomplete(
        candidature=submitted, actor=staff, comment="Le diplôme n'est pas le bon"
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.INCOMPLETE


def test_workflow_refuses_staff_of_another_centre(submitted):
    from candidatures.workflow import ActorNotAllowed

    with pytest.raises(ActorNotAllowed):
        candidature_mark_complete(candidature=submitted, actor=centre_staff(CentreFactory()))
