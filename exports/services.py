"""Asking for an export (in the request: only the ids of the chosen applications, scoped to
the staff member, or to the commission member for the reviewer pages) and building it (in a Celery task: rows read in chunks and written to a
temporary file as they come, so memory stays flat; progress saved after each chunk)."""

import csv
import datetime
import io
import logging
import tempfile
import zipfile

from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from candidatures.copy import copy_filename
from candidatures.models import Candidature, Programme
from ecandidat.hooks import Hook
from pieces.models import PieceStatus, PieceType, RequiredPiece

from .columns import BY_KEY, OPINIONS, PIECES, rows_queryset, safe_cell
from .dossier import full_dossier_pdf
from .models import Audience, Export, ExportStatus, Kind

logger = logging.getLogger(__name__)

CHUNK = 500  # rows read per query batch (and progress saved after each)
TABLE_KINDS = {Kind.CSV, Kind.XLSX}


# The commission's own columns (its members' opinions, the decision's details): exports does
# not import the commissions app, whose pages ask for exports.
opinion_columns_hook = Hook(
    "commissions.exports.opinion_columns",
    purpose="the opinions and decision details columns of a commission's table export",
)


class NothingToExport(ValueError):
    pass


def scoped(user, audience: str):
    """The applications ``user`` may export from where they asked: the back office's scope,
    or the commission's (complete applications of the programmes they examine)."""
    if audience == Audience.COMMISSION:
        return Candidature.objects.for_reviewer(user)
    return Candidature.objects.for_staff(user)


def export_request(
    *,
    user,
    kind: str,
    candidatures,
    columns=(),
    language: str = "fr",
    audience: str = Audience.STAFF,
) -> Export:
    """``candidatures`` is the admin's selection (or the reviewer list's filtered rows), in
    the order shown there, which the export keeps; only what ``user`` may see is kept."""
    # In the order they were shown (the list's sort), of which only what the user may see.
    shown = list(dict.fromkeys(candidatures.values_list("pk", flat=True)))
    allowed = set(scoped(user, audience).filter(pk__in=shown).values_list("pk", flat=True))
    ids = [pk for pk in shown if pk in allowed]
    if not ids:
        raise NothingToExport
    columns = [key for key in columns if key in BY_KEY or key in (PIECES, OPINIONS)]
    if audience != Audience.COMMISSION:
        columns = [key for key in columns if key != OPINIONS]
    export = Export.objects.create(
        owner=user,
        audience=audience,
        kind=kind,
        columns=columns,
        candidature_ids=ids,
        total=len(ids),
        language=language[:2],
    )
    from .tasks import build_export

    transaction.on_commit(lambda: build_export.delay(export.pk))
    return export


def _chunks(export):
    """The owner's applications of the export, a chunk at a time, in the export's order (an
    application the owner may no longer see is left out)."""
    allowed = scoped(export.owner, export.audience).values("pk")
    ids = export.candidature_ids
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = rows_queryset().filter(pk__in=chunk).filter(pk__in=allowed)
        position = {pk: index for index, pk in enumerate(chunk)}
        yield sorted(rows, key=lambda row: position[row.pk]), len(chunk)


def _progress(export, done):
    export.done = done
    Export.objects.filter(pk=export.pk).update(done=done)


def _piece_types(export):
    """The document types the selected applications' programmes (or their centres) ask for,
    and which each programme asks for: a type asked for with no row is « missing »."""
    ids = export.candidature_ids
    programme_ids = set(
        Candidature.objects.filter(pk__in=ids).values_list("programme_id", flat=True)
    )
    programmes = Programme.objects.filter(pk__in=programme_ids)
    asked: dict[int, set[int]] = {}
    for row in RequiredPiece.objects.filter(
        Q(programme_id__in=programme_ids) | Q(centre__programmes__in=programmes)
    ).values("piece_type_id", "programme_id", "centre__programmes"):
        programme_id = row["programme_id"] or row["centre__programmes"]
        asked.setdefault(programme_id, set()).add(row["piece_type_id"])
    type_ids = set().union(*asked.values()) if asked else set()
    return list(PieceType.objects.filter(pk__in=type_ids)), asked


def _table_rows(export):
    columns = [BY_KEY[key] for key in export.columns if key in BY_KEY]
    types, asked = _piece_types(export) if PIECES in export.columns else ([], {})
    extra_header, read_extra = [], None
    if OPINIONS in export.columns and export.audience == Audience.COMMISSION:
        extra_header, read_extra = opinion_columns_hook(export.candidature_ids)
    missing = str(PieceStatus.MISSING.label)
    header = [str(column.label) for column in columns] + [t.label for t in types] + extra_header
    # Document types (named by staff) and member names are other people's text: neutralised
    # like any cell.
    yield [safe_cell(value) for value in header]
    blanks = [""] * len(extra_header)
    done = 0
    for rows, size in _chunks(export):
        extra = read_extra([c.pk for c in rows]) if read_extra else {}
        for candidature in rows:
            statuses = {p.piece_type_id: p.status for p in candidature.pieces.all()}
            programme_asks = asked.get(candidature.programme_id, set())
            yield (
                [safe_cell(column.read(candidature)) for column in columns]
                + [
                    str(PieceStatus(statuses[t.pk]).label)
                    if t.pk in statuses
                    else (missing if t.pk in programme_asks else "")
                    for t in types
                ]
                + [safe_cell(value) for value in extra.get(candidature.pk, blanks)]
            )
        done += size
        _progress(export, done)


def _write_csv(export, out):
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";")
    for row in _table_rows(export):
        writer.writerow([_csv_value(value) for value in row])
    text.flush()
    text.detach()


def _csv_value(value):
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def _write_xlsx(export, out):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Applications"))
    rows = _table_rows(export)
    header = next(rows)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_header_cell(sheet, value, bold) for value in header])
    for row in rows:
        sheet.append(row)
    workbook.save(out)


def _header_cell(sheet, value, font):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def _write_dossier(export, out):
    (rows, _size), *_rest = list(_chunks(export))
    if not rows:
        raise NothingToExport
    out.write(full_dossier_pdf(rows[0], language=export.language))
    _progress(export, 1)


def _write_zip(export, out):
    done = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for rows, _size in _chunks(export):
            for candidature in rows:
                archive.writestr(
                    f"{copy_filename(candidature)}.pdf",
                    full_dossier_pdf(candidature, language=export.language),
                )
                done += 1
                _progress(export, done)


WRITERS = {
    Kind.CSV: (_write_csv, "csv"),
    Kind.XLSX: (_write_xlsx, "xlsx"),
    Kind.DOSSIER: (_write_dossier, "pdf"),
    Kind.DOSSIERS_ZIP: (_write_zip, "zip"),
}


def export_build(*, export_id: int) -> str:
    """Builds the file once (a second delivery of the task finds it started or done)."""
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status != ExportStatus.QUEUED:
            return "skipped"
        export.status = ExportStatus.RUNNING
        export.save(update_fields=["status"])
    write, extension = WRITERS[export.kind]
    try:
        with translation.override(export.language), tempfile.TemporaryFile() as out:
            write(export, out)
            out.seek(0)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            if export.kind == Kind.DOSSIER:
                candidature = Candidature.objects.select_related("dossier", "programme").get(
                    pk=export.candidature_ids[0]
                )
                name = f"dossier-{copy_filename(candidature)}.{extension}"
            else:
                name = f"{slugify(_('applications'))}-{stamp}.{extension}"
            export.file.save(name, File(out), save=False)
            export.filename = name
    except Exception as error:
        logger.exception("export %s failed", export_id)
        Export.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, error=repr(error)[:2000], finished_at=timezone.now()
        )
        return "failed"
    Export.objects.filter(pk=export.pk).update(
        status=ExportStatus.DONE,
        file=export.file.name,
        filename=export.filename,
        done=export.total if export.kind in TABLE_KINDS else export.done,
        finished_at=timezone.now(),
    )
    return "done"
