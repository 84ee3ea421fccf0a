from django import forms
from django.utils.translation import gettext_lazy as _

from .columns import COLUMNS, DEFAULT_KEYS, PIECES
from .models import Kind


def _grouped_choices():
    groups: dict = {}
    for column in COLUMNS:
        groups.setdefault(str(column.group), []).append((column.key, column.label))
    groups[str(_("Documents"))] = [(PIECES, _("Status of each document"))]
    return list(groups.items())


class TableExportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Format"),
        choices=[(Kind.XLSX, Kind.XLSX.label), (Kind.CSV, Kind.CSV.label)],
        initial=Kind.XLSX,
        widget=forms.RadioSelect,
    )
    columns = forms.MultipleChoiceField(
        label=_("Columns"),
        choices=_grouped_choices,
        initial=DEFAULT_KEYS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one column.")},
    )
