"""Reads for the reviewer pages (every one starts from ``Candidature.objects.for_reviewer``)
and what the candidate's side asks of this app through ``ecandidat.hooks``."""

from dataclasses import dataclass
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Avg, Count, Exists, F, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import formats, timezone

from candidatures.models import Candidature, Decision, Programme
from ecandidat.prepared import Prepared
from ecandidat.scoping import reviewer_user
from pieces.models import Piece, PieceStatus

from .models import (
    Commission,
    CommissionMember,
    DecisionDetail,
    Opinion,
    UnfavourableReason,
    _english,
)

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


class ReviewedProgramme(NamedTuple):
    """A programme of the member's commissions, as the list's filter and the pages use it."""

    pk: int
    code: str
    title: str
    presided: bool

    def __str__(self):  # Programme.__str__
        return f"{self.code} {self.title}"


class CommissionName(NamedTuple):
    name: str


class Membership(NamedTuple):
    """What the reviewer pages' header says of one of the member's commissions."""

    commission: CommissionName
    is_president: bool


def _sitting_sql() -> str:
    member, commission = CommissionMember._meta.db_table, Commission._meta.db_table
    examined = Commission.programmes.through._meta.db_table
    programme = Programme._meta.db_table
    return (
        "SELECT m.is_president, c.id, c.name, p.id, p.code, p.title"  # noqa: S608 (names from the models)
        f' FROM "{member}" m JOIN "{commission}" c ON c.id = m.commission_id'
        f' LEFT JOIN "{examined}" cp ON cp.commission_id = c.id'
        f' LEFT JOIN "{programme}" p ON p.id = cp.programme_id'
        " WHERE m.user_id = %s ORDER BY c.name, c.id, p.code, p.id"
    )


def reviewer_sittings(user) -> tuple[list[Membership], list[ReviewedProgramme]]:
    """The user's memberships, by commission name (the header), and the programmes their
    commissions examine, by code, each ``presided`` when the user presides a commission
    examining it (the filter, the president's buttons): one query, nothing to compile. Two
    empty lists: not a member."""
    with connection.cursor() as cursor:
        cursor.execute(_sitting_sql(), [user.pk])
        fetched = cursor.fetchall()
    memberships, seen, programmes = [], set(), {}
    for president, commission, name, pk, code, title in fetched:
        if commission not in seen:
            seen.add(commission)
            memberships.append(Membership(CommissionName(name), bool(president)))
        if pk is None:
            continue
        known = programmes.get(pk)
        if known is None or (president and not known.presided):
            programmes[pk] = ReviewedProgramme(pk, code, title, bool(president))
    return memberships, sorted(programmes.values(), key=lambda p: (p.code, p.pk))


def reviewer_programmes(user) -> list[ReviewedProgramme]:
    """The programmes of the user's commissions (``reviewer_sittings``)."""
    return reviewer_sittings(user)[1]


def is_member(user) -> bool:
    member = CommissionMember._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT 1 FROM "{member}" WHERE user_id = %s LIMIT 1', [user.pk])  # noqa: S608 (the model's table)
        return cursor.fetchone() is not None


def _average_score():
    opinions = Opinion.objects.filter(candidature=OuterRef("pk")).values("candidature")
    return Subquery(opinions.annotate(a=Avg("score")).values("a")[:1])


def _has_opinion_of(user):
    return Exists(Opinion.objects.filter(candidature=OuterRef("pk"), author=user))


def reviewed_applications(user, filters: Filters = Filters()):
    """The applications a member sees, filtered and sorted, with the commission's average
    score, the number of opinions and the member's own score: one query for any number of
    rows (previous/next and the exports; the list's page is ``list_page``)."""
    opinions = Opinion.objects.filter(candidature=OuterRef("pk")).values("candidature")
    rows = (
        Candidature.objects.for_reviewer(user)
        .select_related("dossier__user", "programme")
        .annotate(
            average_score=_average_score(),
            opinion_count=Subquery(opinions.annotate(n=Count("pk")).values("n")[:1]),
            my_score=Subquery(
                Opinion.objects.filter(candidature=OuterRef("pk"), author=user).values("score")[:1]
            ),
            has_my_opinion=_has_opinion_of(user),
        )
    )
    return _filtered(rows, filters).order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


def _filtered(rows, filters: Filters):
    """``rows`` with the list's filters (``average_score`` and ``has_my_opinion`` annotated
    where the filters need them)."""
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
    return rows


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


# --- The list's page --------------------------------------------------------------------
#
# The list shows 50 rows of a commission's hundreds. The ORM's query (reviewed_applications)
# computed the four opinion subqueries for every row in scope before sorting and cutting,
# cost more to compile (about 10 ms of Python) than to run, and PostgreSQL planned it for
# longer than it ran. Here the rows in scope are ranked first (filters and sort only, with
# the average score only when the sort or a filter needs it, and the total), then the page's
# 50 are joined to their columns and their opinions in one pass. The ranking is the ORM's
# own (for_reviewer, the filters, SORTS), compiled once per process and shape of filters
# with stand-in numbers; each request runs the kept SQL with its own values.

PAGE_SIZE = 50
SCORE_SORTS = ("score", "-score")
# Stand-ins for the values of a statement: negative numbers no id or score takes.
_STAND_INS = {"user": -7_340_101, "programme": -7_340_102, "min_score": -7_340_103}


class ListRow(NamedTuple):
    """One row of the list, as ``commissions.rows`` writes it."""

    pk: int
    decision: str
    decision_published_at: object
    waitlist_rank: int | None
    answer: str
    number: str
    first_name: str
    last_name: str
    programme_code: str
    average_score: float | None
    opinion_count: int
    my_score: int | None
    has_my_opinion: bool


def _shape(filters: Filters) -> tuple:
    """What the statement's text depends on (the values themselves are parameters)."""
    decision = filters.decision
    if decision not in (PENDING, UNPUBLISHED, *Decision.values):
        decision = ""
    sort = filters.sort if filters.sort in SORTS else DEFAULT_SORT
    return (
        sort,
        bool(filters.programme),
        decision,
        filters.min_score is not None,
        filters.without_my_opinion,
    )


_ranked_statements: dict[tuple, tuple[str, list]] = {}


def _ranked(shape: tuple) -> tuple[str, list]:
    """The SQL of the ranking for one shape of filters, and its parameters (a stand-in's
    name where a request's value goes): every row in scope, filtered, with its position in
    the sort and the number of rows."""
    key = (connection.vendor, *shape)
    kept = _ranked_statements.get(key)
    if kept is not None:
        return kept
    from accounts.models import User

    sort, programme, decision, min_score, without_mine = shape
    stand_in = User(pk=_STAND_INS["user"], is_active=True)
    stand_in._ecandidat_has_totp = True  # for_reviewer's door: the request's user passed it
    filters = Filters(
        programme=_STAND_INS["programme"] if programme else None,
        decision=decision,
        min_score=_STAND_INS["min_score"] if min_score else None,
        without_my_opinion=without_mine,
        sort=sort,
    )
    rows = Candidature.objects.for_reviewer(stand_in)
    if min_score or sort in SCORE_SORTS:
        rows = rows.annotate(average_score=_average_score())
    if without_mine:
        rows = rows.annotate(has_my_opinion=_has_opinion_of(stand_in))
    rows = (
        _filtered(rows, filters)
        .order_by()
        .annotate(
            position=Window(RowNumber(), order_by=SORTS[sort]),
            total=Window(Count("*")),
        )
        .values_list("pk", "position", "total")
    )
    sql, params = rows.query.get_compiler(connection=connection).as_sql()
    names = {number: name for name, number in _STAND_INS.items()}
    slots = [
        (names[param], type(param)) if type(param) in (int, float) and param in names else param
        for param in params
    ]
    kept = _ranked_statements[key] = (sql, slots)
    return kept


def _page_sql(ranked: str) -> str:
    candidature, opinion = Candidature._meta.db_table, Opinion._meta.db_table
    dossier = Candidature._meta.get_field("dossier").related_model
    user = dossier._meta.get_field("user").related_model._meta.db_table
    programme = Programme._meta.db_table
    # The page's rows in the ranking's order, with their opinions read once for the page:
    # average, count, the member's own score and whether they gave one (a comment alone).
    # Plain SQL that SQLite runs too (make run, make test without DATABASE_URL).
    return (
        "WITH page AS (SELECT ranked.pk, ranked.position, ranked.total"  # noqa: S608 (names from the models)
        f" FROM ({ranked}) ranked"
        " WHERE ranked.position > %s ORDER BY ranked.position LIMIT %s)"
        " SELECT c.id, c.decision, c.decision_published_at, c.waitlist_rank, c.answer,"
        " d.number, u.first_name, u.last_name, p.code,"
        " o.average, o.opinions, o.mine, o.has_mine, page.total"
        f' FROM page JOIN "{candidature}" c ON c.id = page.pk'
        f' JOIN "{dossier._meta.db_table}" d ON d.id = c.dossier_id'
        f' JOIN "{user}" u ON u.id = d.user_id'
        f' JOIN "{programme}" p ON p.id = c.programme_id'
        " LEFT JOIN (SELECT candidature_id, AVG(score) AS average, COUNT(*) AS opinions,"
        " MAX(CASE WHEN author_id = %s THEN score END) AS mine,"
        " MAX(CASE WHEN author_id = %s THEN 1 ELSE 0 END) AS has_mine"
        f' FROM "{opinion}" WHERE candidature_id IN (SELECT pk FROM page)'
        " GROUP BY candidature_id) o ON o.candidature_id = c.id"
        " ORDER BY page.position"
    )


def _page_rows(user, filters: Filters, offset: int) -> tuple[list[ListRow], int | None]:
    """The rows from ``offset`` on, and the number of rows in all (None when there is no
    row from there: the number is not known then)."""
    ranked, slots = _ranked(_shape(filters))
    values = {"user": user.pk, "programme": filters.programme, "min_score": filters.min_score}
    params = [slot[1](values[slot[0]]) if type(slot) is tuple else slot for slot in slots]
    with connection.cursor() as cursor:
        cursor.execute(_page_sql(ranked), [*params, offset, PAGE_SIZE, user.pk, user.pk])
        fetched = cursor.fetchall()
    rows = [
        ListRow(
            *row[:9],
            None if row[9] is None else float(row[9]),
            row[10] or 0,
            row[11],
            bool(row[12]),
        )
        for row in fetched
    ]
    return rows, (fetched[0][13] if fetched else None)


def _page_number(number) -> int:
    """The page asked, read as Paginator.validate_number reads it (not a number: the first
    page); below 1 stays below 1 (Paginator then gives the last page)."""
    try:
        if isinstance(number, float) and not number.is_integer():
            raise ValueError
        return int(number)
    except (TypeError, ValueError):
        return 1


def list_page(user, filters: Filters, number) -> Page:
    """Page ``number`` of the rows ``user`` sees (as Paginator.get_page answers it: not a
    number is the first page, out of range the last), its rows ``ListRow``s: one query, the
    number of rows included; a page out of range costs two more (the count, the last page)."""
    asked = max(_page_number(number), 1)
    rows, total = [], 0
    if reviewer_user(user):
        rows, total = _page_rows(user, filters, (asked - 1) * PAGE_SIZE)
        if total is None:  # no row from there: none at all, or past the last page
            total = 0 if asked == 1 else _filtered_count(user, filters)
    paginator = Paginator((), PAGE_SIZE)
    paginator.count = total  # a cached_property: what Paginator would have counted
    page = paginator.get_page(number)
    if page.number != asked:
        rows, _total = _page_rows(user, filters, (page.number - 1) * PAGE_SIZE)
    page.object_list = rows
    return page


def _filtered_count(user, filters: Filters) -> int:
    rows = Candidature.objects.for_reviewer(user)
    if filters.min_score is not None:
        rows = rows.annotate(average_score=_average_score())
    if filters.without_my_opinion:
        rows = rows.annotate(has_my_opinion=_has_opinion_of(user))
    return _filtered(rows, filters).count()


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


def offered_reason_choices() -> tuple[tuple[int, str], ...]:
    """``(pk, label)`` of the reasons offered, in their order and the active language: what
    ``offered_reasons()``'s select lists (UnfavourableReason.label), in one query that has
    nothing to compile."""
    table = UnfavourableReason._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT id, label_fr, label_en FROM "{table}" WHERE is_active = %s'  # noqa: S608 (the model's table)
            ' ORDER BY "order", id',
            [True],
        )
        fetched = cursor.fetchall()
    english = _english()
    return tuple((pk, en if english else fr) for pk, fr, en in fetched)


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
