"""The upload form: one or several files for one piece (photos are merged into one PDF)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .files import NoFiles

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.Field):
    """Hands the list of uploaded files to the view untouched: the checks of
    ``pieces.files`` (not Django's) decide, with their own messages."""

    widget = MultipleFileInput

    def clean(self, value):
        files = [f for f in (value if isinstance(value, list | tuple) else [value]) if f]
        if not files:
            raise ValidationError(NoFiles().message, code="no_files")
        return files


class UploadForm(forms.Form):
    files = FilesField(
        label=_("File(s)"),
        help_text=_(
            "PDF, JPEG or PNG, %(limit)s MB at most. Several photos of a document (one per "
            "page) are combined into one PDF: it can take a few seconds."
        ),
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, limit_mb: str = "5", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = self.fields["files"].help_text % {"limit": limit_mb}
