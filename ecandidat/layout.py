"""The shared layout's fixed parts, rendered once per process (template library ``layout``).

``{% memo "name" VAR ... %}...{% endmemo %}`` renders its content the first time and serves the
same string afterwards, keyed by the name, the active language, the script prefix and the
values of the variables listed (``INSTITUTION_NAME``...). Most of ``base.html`` (the head, the
skip links, the header's frame, the footer, the DSFR's tags: 10 static files, a dozen
translations and URLs) depends on nothing else, and rendering it was about half of a small
page's CPU.

What goes inside must depend only on that key: no user, no request, no CSRF token, no
``{% url ... as var %}`` or other tag setting a variable (it would not be set when the part
comes from the memo). A ``{% block %}`` inside is refused when the template is compiled: a
child template may override it. The memo is per process and bounded (a few parts × the
languages); it is emptied whenever a setting changes (the tests' ``settings`` fixture,
``override_settings``), and otherwise lives as long as the process, like the compiled
templates and the translation catalogues it is made of. ``memo_enabled`` off renders every
part live (tests compare both). A variable of the key that is ``None`` renders the part live
(a view's way of saying its values are not worth keeping, e.g. free text); when the memo is
full, the part being added gives up its own entries first, so a part whose key varies with
the values asked cannot push the layout's parts out.

``fixed_reverse(name)`` and ``{% fixed_url "name" [as var] %}``: the URL of a pattern without
arguments, reversed once per process (and script prefix): the menus' links, each of which
costs a ``reverse()`` per page otherwise. Emptied with the memo.
"""

from collections.abc import Callable
from typing import TypeVar

from django import template
from django.core.signals import setting_changed
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, gettext, pgettext

register = template.Library()
T = TypeVar("T")

_MEMO: dict[tuple, str] = {}
_URLS: dict[tuple, str] = {}
MEMO_LIMIT = 256  # far above parts × languages: a key that varies unexpectedly cannot grow it
memo_enabled = True


_PER_LANGUAGE: list[dict] = []


def memo_clear(**kwargs) -> None:
    _MEMO.clear()
    _URLS.clear()
    for kept in _PER_LANGUAGE:
        kept.clear()


setting_changed.connect(memo_clear, dispatch_uid="ecandidat.layout.memo_clear")


class MemoNode(template.Node):
    # Not walked by ``get_nodes_by_type``: ``{% extends %}`` looks for the layout's blocks on
    # every render, through every node of ``base.html``, and a memo holds none (refused when
    # compiled, below); most of the layout's nodes are inside one.
    child_nodelists = ()

    def __init__(self, name: str, variables: list, nodelist: template.NodeList):
        self.name, self.variables, self.nodelist = name, variables, nodelist

    def render(self, context) -> str:
        if not memo_enabled:
            return self.nodelist.render(context)
        values = [variable.resolve(context) for variable in self.variables]
        if any(value is None for value in values):
            return self.nodelist.render(context)  # the view said: not worth keeping
        key = (self.name, get_language(), get_script_prefix(), *values)
        html = _MEMO.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(_MEMO) >= MEMO_LIMIT:
                # The part whose key varies gives up its own entries, not the layout's.
                for old in [k for k in _MEMO if k[0] == self.name] or list(_MEMO):
                    del _MEMO[old]
            _MEMO[key] = html
        return html


@register.tag
def memo(parser, token):
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "'\"":
        raise template.TemplateSyntaxError('{% memo "name" [variable ...] %} needs a quoted name')
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError(
            f"{{% memo {bits[1]} %}} cannot hold a block: a child template may override it"
        )
    variables = [parser.compile_filter(bit) for bit in bits[2:]]
    return MemoNode(bits[1][1:-1], variables, nodelist)


def fixed_reverse(name: str) -> str:
    key = (name, get_script_prefix(), get_urlconf())
    url = _URLS.get(key)
    if url is None:
        url = _URLS[key] = reverse(name)
    return url


@register.simple_tag
def fixed_url(name: str) -> str:
    return fixed_reverse(name)


def _per_language(build: Callable[[], T]) -> Callable[[], T]:
    """``get()`` is ``build()``, called once per process and active language; emptied with the
    memo, and called every time while ``memo_enabled`` is off."""
    kept: dict[str | None, T] = {}
    _PER_LANGUAGE.append(kept)

    def get() -> T:
        if not memo_enabled:
            return build()
        language = get_language()
        value = kept.get(language)
        if value is None:
            value = kept[language] = build()
        return value

    return get


_translations = _per_language(dict)


def gettext_kept(message: str) -> str:
    """``gettext(message)``, looked up once per process and language: for HTML written in
    Python, which asks for the same few dozen words on every page (``{% memo %}``'s
    counterpart there; a ``gettext`` goes through the active translation and its catalogues
    each time). The catalogues do not change while the process runs."""
    kept = _translations()
    text = kept.get(message)
    if text is None:
        text = kept[message] = gettext(message)
    return text


def pgettext_kept(context: str, message: str) -> str:
    """``pgettext(context, message)``, as ``gettext_kept``."""
    kept = _translations()
    key = (context, message)
    text = kept.get(key)
    if text is None:
        text = kept[key] = pgettext(context, message)
    return text
