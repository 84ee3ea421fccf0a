"""The download door: a staff member's own finished export, streamed from storage."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from .models import Export, ExportStatus


def download(request, pk):
    export = get_object_or_404(
        Export.objects.for_user(request.user), pk=pk, status=ExportStatus.DONE
    )
    try:
        stored = export.file.open("rb")
    except (OSError, ValueError) as error:
        raise Http404 from error
    response = FileResponse(stored, as_attachment=True, filename=export.filename)
    response["Cache-Control"] = "no-store"
    return response
