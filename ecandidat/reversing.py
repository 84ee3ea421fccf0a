"""``reverse`` once for many rows: a page listing N documents or applications links each of
them to the same view, and ``{% url %}`` resolves the pattern again for every row."""

from collections.abc import Callable
from html import escape

from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse

# Stand-ins for the ids: digits an ``<int:...>`` converter accepts, that no real id or path
# part takes.
_STAND_INS = ("9070000000001", "9070000000002", "9070000000003")


_PATTERNS: dict[tuple, str] = {}


def _forget(**kwargs) -> None:
    _PATTERNS.clear()


setting_changed.connect(_forget, dispatch_uid="ecandidat.reversing.forget")


def url_maker(viewname: str, arity: int = 1) -> Callable[..., str]:
    """``make(*ids)`` returns ``reverse(viewname, args=ids)``; the pattern is reversed once per
    process (and script prefix, and URLconf), as ``ecandidat.layout.fixed_reverse`` does for
    URLs without arguments: a page asks for half a dozen of them."""
    stand_ins = _STAND_INS[:arity]
    key = (viewname, arity, get_script_prefix(), get_urlconf())
    pattern = _PATTERNS.get(key)
    if pattern is None:
        pattern = reverse(viewname, args=stand_ins)
        if any(pattern.count(s) != 1 for s in stand_ins):
            raise ValueError(f"{viewname}: each argument must appear once in its URL")
        _PATTERNS[key] = pattern

    def make(*ids) -> str:
        url = pattern
        for stand_in, value in zip(stand_ins, ids, strict=True):
            url = url.replace(stand_in, str(int(value)))
        return url

    return make


def url_around(
    viewname: str, then: Callable[[str], str] | None = None, **kwargs
) -> tuple[str, str]:
    """``(head, tail)``: the HTML-escaped ``reverse(viewname, args=(id,), **kwargs)``, passed
    through ``then`` first if given (e.g. the admin's preserved filters), before and after the
    id, for rows that write ``f"{head}{id}{tail}"`` (ids are digits: nothing to escape)."""
    stand_in = _STAND_INS[0]
    url = reverse(viewname, args=(stand_in,), **kwargs)
    head, found, tail = escape(then(url) if then else url).partition(stand_in)
    # Once in the path; a query string ``then`` adds (a search a person typed) may hold the
    # same digits without harm.
    if not found or stand_in in tail.partition("?")[0]:
        raise ValueError(f"{viewname}: the argument must appear once in its URL")
    return head, tail
