"""A section's summary rows written in Python: the personal information's twelve rows through
the template's loop (an ``if``, ``capfirst``, the value's localisation and the records badge
each) were most of the summary page's own rendering. The HTML is that of
``dossiers/_summary_rows.html``, the loop's template, kept as the reference (a test compares
the two, FR and EN)."""

from django import template
from django.template.base import render_value_in_context
from django.template.defaultfilters import capfirst
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

_ROW = (
    '\n                <dt class="fr-text--bold fr-mb-0">{label}</dt>\n'
    '                <dd class="fr-mb-2w fr-ml-0">\n'
    "                    {value}\n"
    "                    {badge}\n"
    "                </dd>\n            "
)
_BADGE = (
    '\n                        <span class="fr-badge fr-badge--sm fr-badge--info'
    ' fr-badge--no-icon fr-ml-1w">{}</span>\n                    '
)


@register.simple_tag(takes_context=True)
def summary_rows(context, rows) -> str:
    """``rows``: (label, value, from the records) as the section view gives them; a value of
    "" is left out, as in the template."""
    badge = None
    html = []
    for label, value, from_records in rows:
        if value == "":
            continue
        if from_records and badge is None:
            # As {% translate %}: the catalogue's text is not escaped.
            badge = _BADGE.format(gettext("from the student records"))
        html.append(
            _ROW.format(
                label=conditional_escape(capfirst(label)),
                # As {{ value }}: localised (dates, numbers) and escaped.
                value=render_value_in_context(value, context),
                badge=badge if from_records else "",
            )
        )
    # Labels and values escaped above; the rest is constant or the catalogue's.
    return mark_safe("".join(html))  # noqa: S308
