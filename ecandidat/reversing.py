"""``reverse`` once for many rows: a page listing N documents or applications links each of
them to the same view, and ``{% url %}`` resolves the pattern again for every row."""

from collections.abc import Callable

from django.urls import reverse

# Stand-ins for the ids: digits an ``<int:...>`` converter accepts, that no real id or path
# part takes.
_STAND_INS = ("9070000000001", "9070000000002", "9070000000003")


def url_maker(viewname: str, arity: int = 1) -> Callable[..., str]:
    """``make(*ids)`` returns ``reverse(viewname, args=ids)``, reversed once for all calls."""
    stand_ins = _STAND_INS[:arity]
    pattern = reverse(viewname, args=stand_ins)
    if any(pattern.count(s) != 1 for s in stand_ins):
        raise ValueError(f"{viewname}: each argument must appear once in its URL")

    def make(*ids) -> str:
        url = pattern
        for stand_in, value in zip(stand_ins, ids, strict=True):
            url = url.replace(stand_in, str(int(value)))
        return url

    return make
