"""Documents pages: upload (one file, or several merged into a PDF), delete, "not concerned",
blank forms, the file download for the people allowed to read it, and submitting the
application. Thin: checks live in ``pieces.files``, writes in ``services`` and the workflow."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from candidatures.selectors import candidatures_of
from candidatures.workflow import (
    Stage,
    WorkflowError,
    candidature_resubmit,
    candidature_submit,
    stage_of,
)
from dossiers.models import Section
from dossiers.selectors import missing_sections
from ecandidat.ratelimits import (
    PIECE_UPLOAD,
    SUBMIT,
    rate_limit_consume,
    rate_limit_message,
    too_many_requests,
)

from . import antivirus, selectors, services
from .files import UploadRejected, check_upload, merge_to_pdf
from .files.errors import megabytes
from .forms import UploadForm
from .models import PieceType
from .uploads import limit_upload_size, rejected_uploads

logger = logging.getLogger(__name__)


def _own(request, pk):
    return get_object_or_404(candidatures_of(request.user), pk=pk)


def _requirement(candidature, type_pk):
    for requirement in selectors.required_pieces(candidature.programme):
        if requirement.piece_type_id == type_pk:
            return requirement
    raise Http404


def _back(candidature):
    return redirect(reverse("candidatures:detail", args=[candidature.pk]) + "#pieces")


def _message(error: UploadRejected) -> str:
    return f"{error.name} : {error.message}" if error.name else error.message


def _clean(files):
    return check_upload(files[0]) if len(files) == 1 else merge_to_pdf(files)


@login_required
@limit_upload_size(max_files=settings.PIECES_MAX_MERGE_FILES)
@require_http_methods(["GET", "POST"])
def upload(request, pk, type_pk):
    """Nothing is stored until every check passed; a refused file leaves the previous one."""
    candidature = _own(request, pk)
    requirement = _requirement(candidature, type_pk)
    limit = megabytes(settings.PIECES_MAX_UPLOAD_BYTES)
    form = UploadForm(limit_mb=limit)
    status = 200
    if request.method == "GET":
        try:
            services.piece_check_editable(
                candidature=candidature, piece_type=requirement.piece_type
            )
        except services.PieceError as error:
            messages.error(request, error.message)
            return _back(candidature)
    else:
        refused = rejected_uploads(request)
        form = UploadForm(request.POST, request.FILES, limit_mb=limit)
        if refused:
            form.is_valid()
            form.errors.pop("files", None)  # "choose a file": the refused one was dropped
            form.add_error("files", _message(next(iter(refused.values()))))
        elif form.is_valid() and not rate_limit_consume(request, action=PIECE_UPLOAD):
            # Counted before the checks and the rewrite, the work the limit protects.
            form.add_error("files", rate_limit_message(PIECE_UPLOAD))
            status = 429
        elif form.is_valid():
            try:
                with _clean(form.cleaned_data["files"]) as clean:
                    services.piece_store(
                        candidature=candidature,
                        piece_type=requirement.piece_type,
                        clean=clean,
                        scan=antivirus.scan(clean.file),
                        actor=request.user,
                    )
            except UploadRejected as error:
                form.add_error("files", _message(error))
            except services.PieceError as error:
                messages.error(request, error.message)
                return _back(candidature)
            else:
                messages.success(
                    request,
                    _("“%(piece)s” is saved.") % {"piece": requirement.piece_type.label},
                )
                return _back(candidature)
    current = candidature.pieces.filter(piece_type=requirement.piece_type).first()
    return render(
        request,
        "pieces/upload.html",
        {
            "candidature": candidature,
            "requirement": requirement,
            "piece": current,
            "form": form,
        },
        status=status,
    )


def _change(request, pk, type_pk, service, done):
    candidature = _own(request, pk)
    requirement = _requirement(candidature, type_pk)
    try:
        service(candidature=candidature, piece_type=requirement.piece_type, actor=request.user)
    except services.PieceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done % {"piece": requirement.piece_type.label})
    return _back(candidature)


@login_required
@require_POST
def delete(request, pk, type_pk):
    return _change(request, pk, type_pk, services.piece_delete, _("“%(piece)s” is deleted."))


@login_required
@require_POST
def not_concerned(request, pk, type_pk):
    return _change(
        request,
        pk,
        type_pk,
        services.piece_not_concerned,
        _("“%(piece)s”: noted that you are not concerned."),
    )


@login_required
@require_POST
def reuse(request, pk, type_pk):
    return _change(
        request,
        pk,
        type_pk,
        services.piece_reuse_shared,
        _("“%(piece)s”: the document you already sent is reused."),
    )


def serve_file(field, *, filename, content_type=None, inline=False):
    """A stored file as an attachment (or inline, for the back office's preview): never
    cached, never sniffed. A missing object is a 404, not a 500."""
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=not inline, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Shown in a page of ours (the back office's application page, the reviewer page); anything
# else is never rendered by the browser.
PREVIEWABLE = {"application/pdf", "image/jpeg", "image/png"}
PREVIEW_POLICY = "default-src 'none'; frame-ancestors 'self'"


def serve_preview(piece, *, download_others: bool):
    """The one serving function of the two preview doors (``PieceAdmin.preview_view``, for
    the back office, and ``commissions.views.piece``, for reviewers), each loading ``piece``
    through its own scope: PDF and images inline, framed by our own pages only, never cached
    or sniffed; another type is downloaded as bytes (``download_others``) or answers 404."""
    inline = piece.content_type in PREVIEWABLE
    if not inline and not download_others:
        raise Http404
    response = serve_file(
        piece.file,
        filename=piece.original_name or f"{piece.piece_type.label}.pdf",
        content_type=piece.content_type if inline else "application/octet-stream",
        inline=inline,
    )
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Content-Security-Policy"] = PREVIEW_POLICY
    return response


@login_required
def download(request, piece_pk):
    """The file, as an attachment, for its owner, staff and commission members only."""
    piece = get_object_or_404(
        selectors.downloadable_pieces(request.user).select_related("candidature__dossier"),
        pk=piece_pk,
    )
    if piece.candidature.dossier.user_id != request.user.pk:
        logger.info(
            "piece %s of %s opened by staff %s",
            piece.pk,
            piece.candidature.dossier.number,
            request.user.pk,
        )
    return serve_file(
        piece.file,
        filename=piece.original_name or f"{piece.piece_type.label}.pdf",
        content_type=piece.content_type or None,
    )


@login_required
def blank_form(request, type_pk):
    piece_type = get_object_or_404(PieceType.objects.exclude(blank_form=""), pk=type_pk)
    extension = piece_type.blank_form.name.rpartition(".")[2] or "pdf"
    return serve_file(piece_type.blank_form, filename=f"{piece_type.label}.{extension}")


@login_required
@require_http_methods(["GET", "POST"])
def submit(request, pk):
    """A confirmation step that says nothing can change afterwards; the workflow decides."""
    candidature = _own(request, pk)
    if request.method == "POST":
        if not rate_limit_consume(request, action=SUBMIT):
            return too_many_requests(
                request,
                action=SUBMIT,
                back_url=reverse("candidatures:detail", args=[candidature.pk]),
                back_label=_("Back to my application"),
            )
        service = (
            candidature_resubmit
            if stage_of(candidature) == Stage.INCOMPLETE
            else candidature_submit
        )
        try:
            service(candidature=candidature, actor=request.user)
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "Your application is submitted: it is now “Received”. A confirmation "
                    "email is on its way. It can no longer be changed."
                ),
            )
        return redirect("candidatures:detail", pk=candidature.pk)
    sections = missing_sections(
        dossier=candidature.dossier, optional_sections=set(candidature.programme.optional_sections)
    )
    context = selectors.pieces_context(
        candidature, missing_sections_labels=[Section(key).label for key in sections]
    )
    if not context["can_submit"]:
        messages.error(request, _("This application cannot be submitted now."))
        return redirect("candidatures:detail", pk=candidature.pk)
    return render(request, "pieces/submit_confirm.html", {"candidature": candidature, **context})
