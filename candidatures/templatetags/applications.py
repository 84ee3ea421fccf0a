"""The application's status badges, written in Python: the dashboard shows them on every row,
and as an ``{% include %}`` they cost a template render (and ``get_FOO_display``, which builds
the field's choices again) per row. The HTML is the include's, byte for byte."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
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


_S = {n: "\n" + " " * n for n in (20, 24, 28, 32, 36, 40, 44)}


@register.simple_tag
def dashboard_rows(rows) -> str:
    """The dashboard's table rows, the bytes of ``candidatures/_dashboard_rows.html`` (the
    template's loop, kept as the reference: a test compares the two), written in Python: the
    loop's lookups, ``{% if %}`` and filters cost more than the rest of the page's content."""
    s = _S
    punctuation = colon()
    esc = conditional_escape
    out = []
    for row in rows:
        candidature = row["candidature"]
        programme = candidature.programme
        deadline = row["deadline"]
        if deadline:
            when = local_date(template_localtime(deadline[1]), "SHORT_DATETIME_FORMAT")
            deadline_cell = f"{s[40]}{esc(deadline[0])}{punctuation} {esc(when)}{s[36]}"
        else:
            deadline_cell = f"{s[40]}—{s[36]}"
        if row["missing"] or row["missing_items"]:
            missing = "".join(f"<li>{esc(label)}</li>" for label in row["missing"])
            items = "".join(f"<li>{esc(label)}</li>" for label in row["missing_items"])
            missing_cell = (
                f'{s[40]}<ul class="fr-text--sm fr-mb-0">{s[44]}{missing}{s[44]}{items}'
                f"{s[40]}</ul>{s[36]}"
            )
        else:
            missing_cell = f"{s[40]}—{s[36]}"
        out.append(
            f"{s[24]}{s[28]}<tr>{s[32]}<td>{s[36]}"
            f'<a href="{esc(row["url"])}">{esc(programme.title)}</a>{s[36]}<br>{s[36]}'
            f'<span class="fr-text--xs">{esc(programme.centre.name)}</span>{s[32]}</td>'
            f"{s[32]}<td>{status_badges(candidature)}</td>"
            f"{s[32]}<td>{s[36]}{deadline_cell}{s[32]}</td>"
            f"{s[32]}<td>{s[36]}{missing_cell}{s[32]}</td>{s[28]}</tr>{s[24]}{s[20]}"
        )
    return mark_safe("".join(out))  # noqa: S308 (each value escaped)
