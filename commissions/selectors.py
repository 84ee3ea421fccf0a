"""Reads for the reviewer pages (every one starts from ``Candidature.objects.for_reviewer``)
and what the candidate's side asks of this app through ``ecandidat.hooks``."""

from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, F, OuterRef, Subquery
from django.utils import formats, timezone

from candidatures.models import Candidature, Decision, Programme
from ecandidat.prepared import Prepared
from pieces.models import Piece, PieceStatus

from .models import CommissionMember, DecisionDetail, Opinion, UnfavourableReason

# Sort keys offered on the list, and what each orders by (the pk last: a stable order for
# pagination and previous/next).
SORTS = {
    "name": ["dossier__user__last_name", "dossier__user__first_name", "pk"],
    "-name": ["-dossier__user__last_name", "-dossier__user__first_name", "-pk"],
    "number": ["dossier__number", "pk"],
    "programme": ["programme__code", "dossier__user__last_name", "pk"],
    "score": [F("average_score").asc(nulls_last=True), "pk"],
    "-score": [F("average_score").desc(nulls_last=True), "pk"],
    "submitted": ["submitted_at", "pk"],
    "-submitted": ["-submitted_at", "-pk"],
}
DEFAULT_SORT = "name"
# The decision filter: no decision yet, recorded but not published, or one kind.
PENDING, UNPUBLISHED = "pending", "unpublished"


@dataclass(frozen=True)
class Filters:
    programme: int | None = None
    decision: str = ""
    min_score: int | None = None
    without_my_opinion: bool = False
    sort: str = DEFAULT_SORT


def reviewer_programmes(user):
    """The programmes of the user's commissions, each marked ``presided`` when the user
    presides a commission examining it (one query)."""
    presided = CommissionMember.objects.filter(
        user=user, is_president=True, commission__programmes=OuterRef("pk")
    )
    return (
        Programme.objects.filter(commissions__memberships__user=user)
        .annotate(presided=Exists(presided))
        .distinct()
        .order_by("code")
    )


def reviewed_applications(user, filters: Filters = Filters()):
    """The applications a member sees, filtered and sorted, with the commission's average
    score, the number of opinions and the member's own score: one query for any number of
    rows."""
    opinions = Opinion.objects.filter(candidature=OuterRef("pk")).values("candidature")
    rows = (
        Candidature.objects.for_reviewer(user)
        .select_related("dossier__user", "programme")
        .annotate(
            average_score=Subquery(opinions.annotate(a=Avg("score")).values("a")[:1]),
            opinion_count=Subquery(opinions.annotate(n=Count("pk")).values("n")[:1]),
            my_score=Subquery(
                Opinion.objects.filter(candidature=OuterRef("pk"), author=user).values("score")[:1]
            ),
            has_my_opinion=Exists(Opinion.objects.filter(candidature=OuterRef("pk"), author=user)),
        )
    )
    if filters.programme:
        rows = rows.filter(programme_id=filters.programme)
    if filters.decision == PENDING:
        rows = rows.filter(decision="")
    elif filters.decision == UNPUBLISHED:
        rows = rows.exclude(decision="").filter(decision_published_at__isnull=True)
    elif filters.decision in Decision.values:
        rows = rows.filter(decision=filters.decision)
    if filters.min_score is not None:
        rows = rows.filter(average_score__gte=filters.min_score)
    if filters.without_my_opinion:
        rows = rows.filter(has_my_opinion=False)
    return rows.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


def neighbours(user, filters: Filters, pk: int) -> tuple[int | None, int | None, int, int]:
    """(previous pk, next pk, position from 1, total) of ``pk`` in the filtered list (one
    query on the primary keys alone)."""
    ids = list(reviewed_applications(user, filters).values_list("pk", flat=True))
    if pk not in ids:
        return None, None, 0, len(ids)
    index = ids.index(pk)
    previous = ids[index - 1] if index > 0 else None
    following = ids[index + 1] if index + 1 < len(ids) else None
    return previous, following, index + 1, len(ids)


def reviewer_pieces(user):
    """The pieces of the applications ``user`` reviews, with a file, scanned."""
    return (
        Piece.objects.filter(candidature__in=Candidature.objects.for_reviewer(user))
        .exclude(file="")
        .exclude(status=PieceStatus.PENDING_SCAN)
        .select_related("piece_type")
    )


def presides(user, candidature) -> bool:
    return (
        Candidature.objects.for_reviewer(user, presidents_only=True)
        .filter(pk=candidature.pk)
        .exists()
    )


def offered_reasons():
    return UnfavourableReason.objects.filter(is_active=True)


# Compiled once (``ecandidat.prepared``): the candidate's application page reads it for every
# published preselection or refusal. One row at most (one-to-one).
_decision_detail = Prepared(
    lambda candidature_id: DecisionDetail.objects.filter(
        candidature_id=candidature_id
    ).select_related("reason")
)


def decision_detail_of(candidature) -> DecisionDetail | None:
    return next(iter(_decision_detail(candidature_id=candidature.pk)), None)


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else ""


def decision_details(candidature) -> dict:
    """The interview of a preselection and the reason of a refusal, as plain text in the
    active language (the candidate's, for mails): what the candidate may read once the
    decision is published."""
    detail = decision_detail_of(candidature)
    if detail is None:
        return {"interview_at": "", "interview_place": "", "reason": ""}
    preselected = candidature.decision == Decision.PRESELECTED
    unfavourable = candidature.decision == Decision.UNFAVOURABLE
    return {
        "interview_at": _when(detail.interview_at) if preselected else "",
        "interview_place": detail.interview_place if preselected else "",
        "reason": detail.reason.label if unfavourable and detail.reason else "",
    }
