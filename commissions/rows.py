"""The reviewer list's rows written in Python: the same HTML, whitespace included, as the
loop of ``commissions/list.html`` with ``_decision_badge.html`` (which stay the reference,
and the fallback when ``rows_written`` is off). The template spent about a third of the
list's time on its 50 rows (two ``blocktranslate``, an ``{% include %}`` and a dozen
lookups each); tests/commissions/test_pages.py compares both renderings, FR and EN."""

from html import escape

from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from ecandidat.reversing import url_around

rows_written = True  # off: the template's own loop (tests compare both)

_IN = "\n" + " " * 32  # a line of the cells' content
_OUT = "\n" + " " * 28  # a cell's closing line


def _e(value) -> str:
    """A ``{{ value }}``: localized, then escaped."""
    return escape(str(formats.localize(value)))


def _badge(candidature, words) -> str:
    """``commissions/_decision_badge.html``."""
    if not candidature.decision:
        return f'\n\n    <span class="fr-badge fr-badge--sm fr-badge--no-icon">{words["none"]}</span>\n\n'
    kind = {"favourable": "success", "unfavourable": "error"}.get(candidature.decision, "new")
    rank = ""
    if candidature.waitlist_rank:
        rank = "(" + words["rank"] % {"rank": _e(candidature.waitlist_rank)} + ")"
    if candidature.decision_published_at:
        published = (
            '\n        <span class="fr-badge fr-badge--sm fr-badge--info fr-badge--no-icon">'
            f"{words['published']}</span>\n    "
        )
    else:
        published = (
            '\n        <span class="fr-badge fr-badge--sm fr-badge--warning fr-badge--no-icon">'
            f"{words['unpublished']}</span>\n    "
        )
    answer = ""
    if candidature.answer:
        answer = (
            '<span class="fr-badge fr-badge--sm fr-badge--no-icon">'
            f"{escape(str(candidature.get_answer_display()))}</span>"
        )
    return (
        f'\n\n    <span class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--{kind}">\n'
        f"        {escape(str(candidature.get_decision_display()))}\n        {rank}\n    </span>\n"
        f"    {published}\n    {answer}\n\n"
    )


def rows_html(candidatures, query: str) -> list[str]:
    """Each row's HTML, as the template's loop body writes it (an empty list: none, or the
    template's own loop is wanted)."""
    if not rows_written:
        return []
    head, tail = url_around("commissions:detail")
    tail += f"?{escape(query)}" if query else ""
    words = {
        "select": gettext("Select %(name)s"),
        "comment": gettext("comment"),
        "none": gettext("No decision yet"),
        "rank": gettext("rank %(rank)s"),
        "published": gettext("Published"),
        "unpublished": gettext("Not published"),
    }
    html = []
    for c in candidatures:
        user = c.dossier.user
        if c.my_score is not None:
            mine = f"{_IN}    {_e(c.my_score)}/20{_IN}"
        elif c.has_my_opinion:
            mine = f"{_IN}    {words['comment']}{_IN}"
        else:
            mine = f"{_IN}    —{_IN}"
        if c.average_score is not None:
            average = f"{_IN}    {floatformat(c.average_score, 1)}/20{_IN}"
        else:
            average = f"{_IN}    —{_IN}"
        opinions = ""
        if c.opinion_count:
            counted = ngettext("%(count)s opinion", "%(count)s opinions", c.opinion_count)
            opinions = (
                f'{_IN}    <span class="fr-text--xs">('
                f"{counted % {'count': _e(c.opinion_count)}})</span>{_IN}"
            )
        select = words["select"] % {"name": escape(user.get_full_name())}
        html.append(
            mark_safe(  # noqa: S308 (every value escaped above)
                "\n                        <tr>\n                            <td>"
                f'{_IN}<div class="fr-checkbox-group fr-checkbox-group--sm">'
                f'{_IN}    <input type="checkbox"'
                f'{_IN}           name="selected"'
                f'{_IN}           value="{c.pk}"'
                f'{_IN}           id="select-{c.pk}">'
                f'{_IN}    <label class="fr-label"'
                f'{_IN}           for="select-{c.pk}"><span class="fr-sr-only">{select}</span></label>'
                f"{_IN}</div>{_OUT}</td>{_OUT}<td>"
                f'{_IN}<a href="{head}{c.pk}{tail}">{escape(user.last_name.upper())}'
                f" {escape(user.first_name)}</a>"
                f"{_IN}<br>"
                f'{_IN}<span class="fr-text--xs">{escape(c.dossier.number)}</span>'
                f"{_OUT}</td>{_OUT}<td>{escape(c.programme.code)}</td>"
                f"{_OUT}<td>{_IN}{mine}{_OUT}</td>"
                f"{_OUT}<td>{_IN}{average}{_IN}{opinions}{_OUT}</td>"
                f"{_OUT}<td>{_badge(c, words)}</td>\n                        </tr>\n                    "
            )
        )
    return html
