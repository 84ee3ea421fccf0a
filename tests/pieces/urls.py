"""A throwaway upload page, the shape the Documents views will take, to test the handler."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from pieces.files import UploadRejected, check_upload, merge_to_pdf
from pieces.uploads import limit_upload_size, rejected_uploads


def _answer(request, handle):
    handler = request.upload_handlers[0]
    rejected = rejected_uploads(request)
    if rejected:
        error = next(iter(rejected.values()))
        response = HttpResponse(f"{error.name}: {error.message}", status=400)
    else:
        try:
            clean = handle(request)
        except UploadRejected as error:
            response = HttpResponse(f"{error.name}: {error.message}", status=400)
        else:
            response = HttpResponse(f"stored {clean.name} {clean.kind} {clean.size}")
    response["X-Received"] = str(handler.received)
    response["X-Files"] = ",".join(sorted(request.FILES))
    response["X-Note"] = request.POST.get("note", "")
    return response


@limit_upload_size
def one(request):
    return _answer(request, lambda request: check_upload(request.FILES["document"]))


@limit_upload_size(max_files=3)
def several(request):
    return _answer(request, lambda request: merge_to_pdf(request.FILES.getlist("pages")))


# Anonymous, as the upload handler sees every request before any sign-in check.
urlpatterns = [
    path("one/", login_not_required(one)),
    path("several/", login_not_required(several)),
]
