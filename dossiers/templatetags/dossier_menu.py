"""The dossier's side menu, written in Python: the bytes of ``dossiers/_menu.html`` (the
template's loop, kept as the reference: a test compares the two). Every dossier page draws its
seven sections, each through an ``{% if %}`` chain and a translation, for about a quarter of
the overview's own template time."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

_S = {n: "\n" + " " * n for n in (24, 28, 32, 35, 36, 40)}
_BADGES = (
    ("locked", '<span class="fr-badge fr-badge--sm fr-badge--no-icon">'),
    ("read only", '<span class="fr-badge fr-badge--sm fr-badge--info fr-badge--no-icon">'),
    ("complete", '<span class="fr-badge fr-badge--sm fr-badge--success">'),
    ("to do", '<span class="fr-badge fr-badge--sm fr-badge--warning">'),
)


@register.simple_tag
def dossier_menu(menu, current) -> str:
    s, esc = _S, conditional_escape
    out = []
    for state, url in menu:
        here = state.key == current
        if state.locked:
            word, span = _BADGES[0]
        elif state.read_only:
            word, span = _BADGES[1]
        elif state.complete:
            word, span = _BADGES[2]
        else:
            word, span = _BADGES[3]  # the words are the reference template's msgids
        active = " fr-sidemenu__item--active" if here else ""
        aria = 'aria-current="page"' if here else ""
        out.append(
            f'{s[28]}<li class="fr-sidemenu__item{active}">'
            f'{s[32]}<a class="fr-sidemenu__link"{s[35]}href="{esc(url)}"'
            f"{s[35]}{aria}>"
            f"{s[36]}{esc(state.label)}&nbsp;"
            f"{s[36]}{s[40]}{span}{esc(gettext(word))}</span>{s[36]}"
            f"{s[32]}</a>{s[28]}</li>{s[24]}"
        )
    return mark_safe("".join(out))  # noqa: S308 (each value escaped)
