"""Stops reading an upload as soon as it is too big, before Django stores it in memory or on disk.

Without this, Django reads the whole request body and writes every file to a temporary file
before the view can look at ``uploaded_file.size``: a 2 GB upload costs 2 GB of disk and the
time to receive it. ``SizeLimitedUploadHandler`` runs before Django's own handlers and:

- skips a file (``SkipFile``) once it passes the per-file limit: the rest of that file is read
  and thrown away chunk by chunk (no memory, no disk), and the page can still answer with a
  clear message, as the connection stays usable;
- stops the whole request (``StopUpload(connection_reset=True)``) when the body as a whole
  passes the total limit (declared length or bytes actually received): nothing more is read.

The view learns what happened from ``rejected_uploads(request)``. Handlers must be installed
before the CSRF middleware reads the body, which is what ``limit_upload_size`` does.
"""

from functools import wraps

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .files.errors import MB, FileAboutTooBig, FileOverLimit, FileTooBig
from .files.names import display_name

_REJECTED_ATTRIBUTE = "_pieces_rejected_uploads"
# Room for the form's other fields and the multipart boundaries around the files.
FORM_OVERHEAD_BYTES = 64 * 1024


class SizeLimitedUploadHandler(FileUploadHandler):
    def __init__(self, request=None, *, max_bytes=None, max_total_bytes=None):
        super().__init__(request)
        self.max_bytes = settings.PIECES_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
        self.max_total_bytes = max_total_bytes or self.max_bytes + FORM_OVERHEAD_BYTES
        self.received = 0  # file bytes received in this request, kept or not
        self.file_bytes = 0
        self.kept_bytes = 0  # bytes of the files let through whole
        self.request_length = None  # the whole body, as announced
        self.refused: list[tuple[str, FileTooBig]] = []
        self.stopped = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_length = content_length
        return None  # let the multipart parser and the other handlers do the work

    def _reject(self) -> FileTooBig:
        # Only "more than the limit" is known here; upload_complete() makes it an estimate of
        # the real size when it can.
        error = FileOverLimit(display_name(self.file_name), limit_mb=self.max_bytes)
        self.refused.append((self.field_name, error))
        self._publish()
        return error

    def _publish(self):
        if self.request is not None:
            rejected = getattr(self.request, _REJECTED_ATTRIBUTE, {})
            for field_name, error in self.refused:
                rejected[field_name] = error
            setattr(self.request, _REJECTED_ATTRIBUTE, rejected)

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.file_bytes = 0
        if self.request_length and self.request_length > self.max_total_bytes:
            # The browser announced more than we will ever accept: do not read any of it.
            self._reject()
            self.stopped = True
            raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data, start):
        self.file_bytes += len(raw_data)
        self.received += len(raw_data)
        if self.received > self.max_total_bytes:
            self._reject()
            self.stopped = True
            raise StopUpload(connection_reset=True)
        if self.file_bytes > self.max_bytes:
            self._reject()
            raise SkipFile()
        return raw_data  # the next handler (memory or temporary file) stores it

    def file_complete(self, file_size):
        self.kept_bytes += file_size
        return None

    def upload_complete(self):
        """With one file refused and the body read to its end, that file weighs the body less
        the files kept (give or take the form's few other bytes): say so rather than "over"."""
        if len(self.refused) == 1 and not self.stopped and self.request_length:
            field_name, error = self.refused[0]
            size = self.request_length - self.kept_bytes
            if round(size / MB, 1) > round(self.max_bytes / MB, 1):  # else "about 5 MB" of 5
                estimate = FileAboutTooBig(error.name, estimate_mb=size, limit_mb=self.max_bytes)
                self.refused[0] = (field_name, estimate)
                self._publish()
        return None


def rejected_uploads(request) -> dict:
    """{form field name: FileTooBig} for the files the handler refused in this request.

    Reads the body first if nothing did yet (the refusals are only known once it is parsed).
    """
    request.FILES  # noqa: B018 - parsing the body is what fills the refusals
    return dict(getattr(request, _REJECTED_ATTRIBUTE, {}))


def limit_upload_size(view=None, *, max_bytes=None, max_files=1):
    """Decorates a view that receives uploads: installs the handler, keeps CSRF protection.

    The total is ``max_files`` files of ``max_bytes`` plus the form's overhead. Put
    ``{% csrf_token %}`` before the file inputs: a request stopped early still has its token.
    """

    def decorator(view_func):
        protected = csrf_protect(view_func)

        @csrf_exempt  # the upload handlers must be in place before CSRF reads the body...
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            limit = settings.PIECES_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
            request.upload_handlers.insert(
                0,
                SizeLimitedUploadHandler(
                    request,
                    max_bytes=limit,
                    max_total_bytes=limit * max_files + FORM_OVERHEAD_BYTES,
                ),
            )
            return protected(request, *args, **kwargs)  # ...which it still does, here

        return wrapper

    return decorator(view) if view is not None else decorator
