"""The download doors: the owner's own finished export, streamed from storage. One serving
function (``serve``); each door loads through its own scope (the back office's here, the
commission's in ``commissions.views.export_download``)."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from .models import Export, ExportStatus


def serve(exports, pk):
    """The finished export ``pk`` among ``exports`` (the door's scope), as an attachment; 404
    for anything else, a missing file included."""
    export = get_object_or_404(exports, pk=pk, status=ExportStatus.DONE)
    try:
        stored = export.file.open("rb")
    except (OSError, ValueError) as error:
        raise Http404 from error
    response = FileResponse(stored, as_attachment=True, filename=export.filename)
    response["Cache-Control"] = "no-store"
    return response


def download(request, pk):
    return serve(Export.objects.for_user(request.user), pk)
