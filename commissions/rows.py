"""The reviewer list's rows written in Python: the same HTML, whitespace included, as the
loop of ``commissions/list.html`` with ``_decision_badge.html`` (which stay the reference,
and the fallback when ``rows_written`` is off). The template spent about a third of the
list's time on its 50 rows (two ``blocktranslate``, an ``{% include %}`` and a dozen
lookups each); tests/commissions/test_pages.py compares both renderings, FR and EN. The rows
are ``selectors.ListRow`` tuples (the list's page query), not model instances."""

from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from candidatures.models import Answer, Decision
from ecandidat.layout import gettext_kept
from ecandidat.reversing import url_around

# Off: the list as it was, the reference the tests compare with (the ORM's query of every
# row with its opinions, Django's Paginator, the template's own loop).
rows_written = True
_DECISIONS, _ANSWERS = dict(Decision.choices), dict(Answer.choices)

_IN = "\n" + " " * 32  # a line of the cells' content
_OUT = "\n" + " " * 28  # a cell's closing line


def _e(value) -> str:
    """A ``{{ value }}``: localized, then escaped."""
    return escape(str(formats.localize(value)))


def _number(value) -> str:
    """``_e`` of a score, count or rank: below 1000 no separator can apply, so the digits."""
    if type(value) is int and -1000 < value < 1000:
        return str(value)
    return _e(value)


_TENTH = Decimal("0.1")


def tenth(value) -> Decimal:
    """An average score to one decimal, half up, from its text (a float's shortest repr, or a
    Decimal): 12.25 is 12.3. The list shows it, the exports write it."""
    return Decimal(str(value)).quantize(_TENTH, ROUND_HALF_UP)


def one_decimal(value: float, separator: str) -> str:
    """``value|floatformat:1`` for an average score (0 to 20), ``separator`` being the
    language's DECIMAL_SEPARATOR: the same Decimal of the float's text rounded half up, the
    same digits (floatformat goes through number_format for each one, a third of the rows'
    time; a test compares the two over every average of up to 12 opinions, FR and EN)."""
    if not 0 <= value < 1000:
        return floatformat(value, 1)
    return str(tenth(value)).replace(".", separator)


def _badge(candidature, words) -> str:
    """``commissions/_decision_badge.html`` (``get_decision_display`` and
    ``get_answer_display``: the choice's label, else the value)."""
    if not candidature.decision:
        return f'\n\n    <span class="fr-badge fr-badge--sm fr-badge--no-icon">{words["none"]}</span>\n\n'
    kind = {"favourable": "success", "unfavourable": "error"}.get(candidature.decision, "new")
    rank = ""
    if candidature.waitlist_rank:
        rank = "(" + words["rank"] % {"rank": _number(candidature.waitlist_rank)} + ")"
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
            f"{escape(str(_ANSWERS.get(candidature.answer, candidature.answer)))}</span>"
        )
    return (
        f'\n\n    <span class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--{kind}">\n'
        f"        {escape(str(_DECISIONS.get(candidature.decision, candidature.decision)))}"
        f"\n        {rank}\n    </span>\n"
        f"    {published}\n    {answer}\n\n"
    )


def rows_html(candidatures, query: str) -> list[str]:
    """The rows' HTML (of ``ListRow``s), as the template's loop body writes them, in one
    piece: a list of one string, or none."""
    head, tail = url_around("commissions:detail")
    tail += f"?{escape(query)}" if query else ""
    words = {
        "select": gettext_kept("Select %(name)s"),
        "comment": gettext_kept("comment"),
        "none": gettext_kept("No decision yet"),
        "rank": gettext_kept("rank %(rank)s"),
        "published": gettext_kept("Published"),
        "unpublished": gettext_kept("Not published"),
    }
    separator = formats.get_format("DECIMAL_SEPARATOR")
    counted = {}  # "(n opinions)" per n, for the page
    html = []
    for c in candidatures:
        if c.my_score is not None:
            mine = f"{_IN}    {_number(c.my_score)}/20{_IN}"
        elif c.has_my_opinion:
            mine = f"{_IN}    {words['comment']}{_IN}"
        else:
            mine = f"{_IN}    —{_IN}"
        if c.average_score is not None:
            average = f"{_IN}    {one_decimal(c.average_score, separator)}/20{_IN}"
        else:
            average = f"{_IN}    —{_IN}"
        opinions = ""
        if c.opinion_count:
            opinions = counted.get(c.opinion_count)
            if opinions is None:
                words_of = ngettext("%(count)s opinion", "%(count)s opinions", c.opinion_count)
                opinions = counted[c.opinion_count] = (
                    f'{_IN}    <span class="fr-text--xs">('
                    f"{words_of % {'count': _number(c.opinion_count)}})</span>{_IN}"
                )
        # User.get_full_name
        name = f"{c.first_name} {c.last_name.upper()}".strip()
        select = words["select"] % {"name": escape(name)}
        html.append(
            "\n                        <tr>\n                            <td>"
            f'{_IN}<div class="fr-checkbox-group fr-checkbox-group--sm">'
            f'{_IN}    <input type="checkbox"'
            f'{_IN}           name="selected"'
            f'{_IN}           value="{c.pk}"'
            f'{_IN}           id="select-{c.pk}">'
            f'{_IN}    <label class="fr-label"'
            f'{_IN}           for="select-{c.pk}"><span class="fr-sr-only">{select}</span></label>'
            f"{_IN}</div>{_OUT}</td>{_OUT}<td>"
            f'{_IN}<a href="{head}{c.pk}{tail}">{escape(c.last_name.upper())}'
            f" {escape(c.first_name)}</a>"
            f"{_IN}<br>"
            f'{_IN}<span class="fr-text--xs">{escape(c.number)}</span>'
            f"{_OUT}</td>{_OUT}<td>{escape(c.programme_code)}</td>"
            f"{_OUT}<td>{_IN}{mine}{_OUT}</td>"
            f"{_OUT}<td>{_IN}{average}{_IN}{opinions}{_OUT}</td>"
            f"{_OUT}<td>{_badge(c, words)}</td>\n                        </tr>\n                    "
        )
    return [mark_safe("".join(html))] if html else []  # noqa: S308 (every value escaped above)
