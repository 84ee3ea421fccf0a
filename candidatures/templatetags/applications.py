"""The application's status badges, written in Python: the dashboard shows them on every row,
and as an ``{% include %}`` they cost a template render (and ``get_FOO_display``, which builds
the field's choices again) per row. The HTML is the include's, byte for byte."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from accounts.templatetags.typography import colon
from ecandidat.dates import local_date

from ..models import Answer, Decision, Status

register = template.Library()

STATUS_COLOURS = {
    Status.COMPLETE: "success",
    Status.INCOMPLETE: "warning",
    Status.CANCELLED: "error",
}
DECISION_COLOURS = {Decision.FAVOURABLE: "success", Decision.UNFAVOURABLE: "error"}


@register.simple_tag
def status_badges(candidature) -> str:
    """The administrative status and, once published, the decision, worded as in the guide."""
    punctuation = colon()
    html = [
        format_html(
            '\n\n<p class="fr-badges-group">\n'
            '    <span class="fr-badge fr-badge--{} fr-badge--no-icon">{}{} {}</span>\n    ',
            STATUS_COLOURS.get(candidature.status, "info"),
            gettext("File status"),
            punctuation,
            Status(candidature.status).label,
        )
    ]
    if candidature.decision_visible:
        rank = ""
        if candidature.decision == Decision.WAITLISTED and candidature.waitlist_rank:
            # As {% blocktranslate %}: the value escaped, not the translation.
            rank = format_html(
                "({})",
                mark_safe(  # noqa: S308
                    gettext("rank %(rank)s")
                    % {"rank": conditional_escape(candidature.waitlist_rank)}
                ),
            )
        html.append(
            format_html(
                '\n        <span class="fr-badge fr-badge--{} fr-badge--no-icon">\n'
                "            {}{} {}\n"
                "            {}\n"
                "        </span>\n    ",
                DECISION_COLOURS.get(candidature.decision, "new"),
                gettext("Decision"),
                punctuation,
                Decision(candidature.decision).label,
                rank,
            )
        )
    html.append("\n    ")
    if candidature.answer:
        html.append(
            format_html(
                '\n        <span class="fr-badge fr-badge--no-icon">{}</span>\n    ',
                Answer(candidature.answer).label,
            )
        )
    html.append("\n</p>\n")
    return mark_safe("".join(html))  # noqa: S308 (each part escaped by format_html)


# {{ value|local_date:"DATETIME_FORMAT" }}: the ``date`` filter's text, faster (ecandidat.dates).
register.filter("local_date", local_date, expects_localtime=True, is_safe=False)
