"""Reads on pieces: what a programme asks for, what an application still lacks, and which
pieces a user may download."""

import functools
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from candidatures.models import Candidature, Event
from candidatures.workflow import Stage, candidate_may_change, stage_of
from dossiers.models import Section
from dossiers.selectors import missing_sections
from ecandidat.prepared import Prepared
from ecandidat.reversing import url_maker

from .models import Piece, PieceStatus, PieceType, RequiredPiece

# A mandatory piece is in when sent (or already validated by staff); a conditional one also
# when "not concerned".
IN = {PieceStatus.UPLOADED, PieceStatus.VALIDATED}
IN_IF_CONDITIONAL = {*IN, PieceStatus.NOT_CONCERNED}


def _requirements(programme_ids, centre_ids):
    return (
        RequiredPiece.objects.filter(
            Q(programme_id__in=programme_ids) | Q(centre_id__in=centre_ids)
        )
        .select_related("piece_type")
        .order_by("piece_type__order", "piece_type__pk", "centre_id")
    )


# Compiled once (``ecandidat.prepared``): every application page and upload reads them.
_requirements_of = Prepared(_requirements)
_pieces_of = Prepared(
    lambda candidature_ids: Piece.objects.filter(candidature_id__in=candidature_ids)
)


@functools.cache
def _page_sql() -> tuple[str, list, list, list]:
    """The application page's requirements with their piece type and, for each, this
    application's piece and the candidate's sent copies of a shared one elsewhere (the most
    recent first), which a draft may reuse: two queries before, one statement written once
    per process now. The pieces are reached through the dossier's applications, per
    requirement: an index walk over this candidate's rows, never every piece of a type."""
    tables = [model._meta.db_table for model in (RequiredPiece, PieceType, Piece, Candidature)]
    requirement, kind, piece, application = tables
    models = (RequiredPiece, PieceType, Piece)
    fields = [list(model._meta.concrete_fields) for model in models]
    columns = ", ".join(
        f'"{alias}"."{f.column}"' for alias, group in zip("rtp", fields, strict=True) for f in group
    )
    sql = (
        f'SELECT {columns} FROM "{requirement}" r '  # noqa: S608 (names from the models)
        f'INNER JOIN "{kind}" t ON t."id" = r."piece_type_id" '
        # A nested join rather than LATERAL, which SQLite (make run) does not know.
        f'LEFT JOIN ("{piece}" p INNER JOIN "{application}" a ON a."id" = p."candidature_id") '
        'ON a."dossier_id" = %s AND p."piece_type_id" = r."piece_type_id" '
        'AND (p."candidature_id" = %s OR (t."shared" AND p."status" = %s)) '
        'WHERE r."programme_id" = %s OR r."centre_id" = %s '
        'ORDER BY t."order", t."id", r."centre_id", p."uploaded_at" DESC, p."id" DESC'
    )
    return sql, *fields


def _page_rows(candidature) -> tuple[list[RequiredPiece], dict, dict]:
    """(requirements as ``required_pieces`` gives them, this application's pieces by type,
    the latest sent copy elsewhere of each shared type required) in one query."""
    sql, *fields = _page_sql()
    programme = candidature.programme
    params = [
        candidature.dossier_id,
        candidature.pk,
        PieceStatus.UPLOADED,
        programme.pk,
        programme.centre_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    names = [[f.attname for f in group] for group in fields]
    ends = [len(fields[0]), len(fields[0]) + len(fields[1])]
    requirements, types, pieces, shared = {}, {}, {}, {}

    def instance(model, group, values):
        return model.from_db(
            connection.alias,
            names[group],
            [
                f.from_db_value(v, None, connection) if hasattr(f, "from_db_value") else v
                for f, v in zip(fields[group], values, strict=True)
            ],
        )

    for row in rows:
        requirement_pk = row[0]
        if requirement_pk not in requirements:
            requirement = instance(RequiredPiece, 0, row[: ends[0]])
            type_pk = row[ends[0]]
            if type_pk not in types:
                types[type_pk] = instance(PieceType, 1, row[ends[0] : ends[1]])
            _PIECE_TYPE.set_cached_value(requirement, types[type_pk])
            requirements[requirement_pk] = requirement
        if row[ends[1]] is None:
            continue  # no piece for this requirement
        piece = instance(Piece, 2, row[ends[1] :])
        if piece.candidature_id == candidature.pk:
            pieces.setdefault(piece.piece_type_id, piece)
        else:
            shared.setdefault(piece.piece_type_id, piece)
    return _programme_first(requirements.values()), pieces, shared


_PIECE_TYPE = RequiredPiece._meta.get_field("piece_type")


def required_pieces(programme) -> list[RequiredPiece]:
    """The programme's own requirements and its centre's, one per piece type (the
    programme's wins), in the catalogue's order. One query."""
    return _programme_first(
        _requirements_of(programme_ids=[programme.pk], centre_ids=[programme.centre_id])
    )


def _programme_first(rows) -> list[RequiredPiece]:
    """One requirement per piece type, the programme's winning over its centre's (NULLs sort
    last on PostgreSQL, first on SQLite: pick explicitly)."""
    by_type = {}
    for row in rows:
        if row.piece_type_id not in by_type or row.programme_id is not None:
            by_type[row.piece_type_id] = row
    return list(by_type.values())


def is_in(requirement: RequiredPiece, piece: Piece | None) -> bool:
    if piece is None:
        return False
    return piece.status in (IN_IF_CONDITIONAL if requirement.is_conditional else IN)


def missing_pieces(candidature, requirements=None, pieces=None) -> list[str]:
    requirements = required_pieces(candidature.programme) if requirements is None else requirements
    if pieces is None:
        pieces = {p.piece_type_id: p for p in candidature.pieces.all()}
    return [r.piece_type.label for r in requirements if not is_in(r, pieces.get(r.piece_type_id))]


def missing_for_submission(candidature) -> list[str]:
    """The submission check: missing pieces, then the dossier sections the programme needs."""
    sections = missing_sections(
        dossier=candidature.dossier,
        optional_sections=set(candidature.programme.optional_sections),
    )
    return missing_pieces(candidature) + [str(Section(key).label) for key in sections]


@dataclass
class PieceRow:
    requirement: RequiredPiece
    piece: Piece | None
    status: str
    status_label: str
    can_upload: bool
    can_delete: bool
    can_not_concern: bool
    reusable: Piece | None = None  # a shared piece sent with another application
    # What the page shows, worked out once per row rather than by the template's lookups.
    label: str = ""
    description: str = ""
    is_conditional: bool = False
    has_file: bool = False
    badge: str = ""
    urls: dict = field(default_factory=dict)

    @property
    def piece_type(self):
        return self.requirement.piece_type


# The badge's colour by status of the document.
BADGES = {
    PieceStatus.UPLOADED: " fr-badge--success",
    PieceStatus.NOT_CONCERNED: " fr-badge--success",
    PieceStatus.VALIDATED: " fr-badge--success",
    PieceStatus.REFUSED: " fr-badge--error",
    PieceStatus.PENDING_SCAN: " fr-badge--info",
}
ACTIONS = ("upload", "reuse", "not_concerned", "delete")


def _row_urls(candidature, rows) -> None:
    """Each row's links, every view reversed once for the page (``ecandidat.reversing``)."""
    makers = {}

    def url(name, *ids):
        if name not in makers:
            makers[name] = url_maker(f"pieces:{name}", len(ids))
        return makers[name](*ids)

    for row in rows:
        type_pk = row.requirement.piece_type_id
        if row.has_file:
            row.urls["download"] = url("download", row.piece.pk)
        if row.piece_type.blank_form:
            row.urls["blank_form"] = url("blank_form", type_pk)
        for action, wanted in zip(
            ACTIONS,
            (row.can_upload, row.reusable, row.can_not_concern, row.can_delete),
            strict=True,
        ):
            if wanted:
                row.urls[action] = url(action, candidature.pk, type_pk)


def pieces_context(candidature, *, missing_sections_labels) -> dict:
    """What the application page shows about documents and submitting (one query)."""
    stage = stage_of(candidature)
    open_ = candidate_may_change(candidature)
    draft = open_ and stage == Stage.DRAFT
    incomplete = open_ and stage == Stage.INCOMPLETE
    requirements, pieces, shared = _page_rows(candidature)
    rows = []
    for requirement in requirements:
        piece = pieces.get(requirement.piece_type_id)
        status = PieceStatus(piece.status) if piece else PieceStatus.MISSING
        piece_type = requirement.piece_type
        rows.append(
            PieceRow(
                requirement=requirement,
                piece=piece,
                status=status,
                status_label=status.label,
                label=piece_type.label,
                description=piece_type.description,
                is_conditional=requirement.is_conditional,
                has_file=bool(piece and piece.file),
                badge=BADGES.get(status, " fr-badge--warning"),
                can_upload=draft or (incomplete and status == PieceStatus.REFUSED),
                can_delete=draft and status != PieceStatus.MISSING,
                can_not_concern=draft
                and requirement.is_conditional
                and status != PieceStatus.NOT_CONCERNED,
                reusable=shared.get(requirement.piece_type_id)
                if draft and status == PieceStatus.MISSING
                else None,
            )
        )
    _row_urls(candidature, rows)
    missing = missing_pieces(candidature, requirements, pieces) + list(missing_sections_labels)
    return {
        "piece_rows": rows,
        "pieces_missing": missing,
        "pieces_editable": draft or incomplete,
        "can_submit": (draft or incomplete) and not missing,
        "submit_closed": stage in (Stage.DRAFT, Stage.INCOMPLETE) and not open_,
    }


def detail_context(candidature, row) -> dict:
    """The application page's documents part (``candidatures.selectors`` names this)."""
    return pieces_context(candidature, missing_sections_labels=row["missing"])


def reusable_piece(candidature, piece_type) -> Piece | None:
    """The candidate's latest sent copy of a shared piece, from another application."""
    if not piece_type.shared:
        return None
    return (
        Piece.objects.filter(
            candidature__dossier_id=candidature.dossier_id,
            piece_type=piece_type,
            status=PieceStatus.UPLOADED,
        )
        .exclude(candidature=candidature)
        .order_by("-uploaded_at", "-pk")
        .first()
    )


def downloadable_pieces(user):
    """Pieces whose file ``user`` may download here: their own, and those of the applications
    they review in the back office (``Piece.objects.for_staff``: their centres, TOTP when
    required), except files still being scanned. Commission members read pieces through the
    reviewer pages' own door."""
    pieces = Piece.objects.exclude(file="").select_related("piece_type")
    if not user.is_authenticated:
        return pieces.none()
    own = pieces.filter(candidature__dossier__user=user)
    if not user.is_staff:
        return own
    reviewed = pieces.for_staff(user).exclude(status=PieceStatus.PENDING_SCAN)
    return own | reviewed


def refused_pieces(candidature) -> list[tuple[str, str]]:
    """(label, reason) of each refused document, in the catalogue's order: what the
    "incomplete" mail and the application page list."""
    return [
        (piece.piece_type.label, piece.refusal_comment)
        for piece in candidature.pieces.filter(status=PieceStatus.REFUSED)
        .select_related("piece_type")
        .order_by("piece_type__order", "piece_type__pk")
    ]


def review_blockers(candidature, *, verdict) -> list[str]:
    """Why the staff's review of the documents does not allow ``verdict`` yet (the workflow's
    guard for marking complete / incomplete): nothing refused for "complete", every document
    in and scanned; at least one refused for "incomplete" (or a comment, the workflow's
    call)."""
    pieces = list(candidature.pieces.select_related("piece_type"))
    refused = [p.piece_type.label for p in pieces if p.status == PieceStatus.REFUSED]
    if verdict == Event.MARK_INCOMPLETE:
        return [] if refused else [_("No document is refused.")]
    reasons = []
    if refused:
        reasons.append(
            _("Documents still refused: %(pieces)s.") % {"pieces": ", ".join(map(str, refused))}
        )
    scanning = [p.piece_type.label for p in pieces if p.status == PieceStatus.PENDING_SCAN]
    if scanning:
        reasons.append(
            _("Documents still being checked: %(pieces)s.")
            % {"pieces": ", ".join(map(str, scanning))}
        )
    return reasons


def missing_pieces_by_candidature(candidatures) -> dict[int, list[str]]:
    """The dashboard's question for many applications at once, in two queries: the
    requirements of every programme and centre concerned, and the pieces already sent."""
    candidatures = [c for c in candidatures if stage_of(c) in (Stage.DRAFT, Stage.INCOMPLETE)]
    if not candidatures:
        return {}
    rows = _requirements_of(
        programme_ids=sorted({c.programme_id for c in candidatures}),
        centre_ids=sorted({c.programme.centre_id for c in candidatures}),
    )
    pieces: dict[int, dict[int, Piece]] = {}
    for piece in _pieces_of(candidature_ids=[c.pk for c in candidatures]):
        pieces.setdefault(piece.candidature_id, {})[piece.piece_type_id] = piece
    missing = {}
    for candidature in candidatures:
        requirements = _programme_first(
            row
            for row in rows
            if row.programme_id == candidature.programme_id
            or row.centre_id == candidature.programme.centre_id
        )
        missing[candidature.pk] = missing_pieces(
            candidature, requirements, pieces.get(candidature.pk, {})
        )
    return missing


def stored_files_of(candidature) -> list[str]:
    """The stored file names of an application's documents (the retention purge deletes them
    after the rows; a file another application still names stays)."""
    return [name for name in candidature.pieces.values_list("file", flat=True) if name]


def pieces_summary(candidature) -> list[tuple[str, str, str]]:
    """(label, status, detail) of each document the programme asks for, in the catalogue's
    order, as of now: what the PDF copy and the full dossier list (the detail is the file's
    original name, or the reason of a refusal)."""
    requirements = required_pieces(candidature.programme)
    pieces = {p.piece_type_id: p for p in candidature.pieces.all()}
    rows = []
    for requirement in requirements:
        piece = pieces.get(requirement.piece_type_id)
        status = PieceStatus(piece.status) if piece else PieceStatus.MISSING
        detail = ""
        if piece is not None:
            detail = piece.refusal_comment if status == PieceStatus.REFUSED else piece.original_name
        rows.append((requirement.piece_type.label, status.label, detail))
    return rows
