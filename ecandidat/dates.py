"""Django's ``date`` filter, faster for the formats the site uses.

``{{ value|date:"DATETIME_FORMAT" }}`` builds a ``DateFormat`` and walks the format on every
call: about 50 µs, and the application page shows eight dates. Here each format string is
split once (with Django's own expressions) into literal text and the few specifiers our
formats use (day, month, year, hour, minute, month names); any other specifier, or a value
that is not a ``datetime``, goes to Django's filter. The same text either way
(tests/ecandidat/test_dates.py compares them)."""

import datetime
import functools

from django.template.defaultfilters import date as django_date
from django.utils import dateformat, formats
from django.utils.dateformat import re_escaped, re_formatchars
from django.utils.dates import MONTHS, MONTHS_3

_SPECIFIERS = {
    "d": lambda v: f"{v.day:02d}",
    "j": lambda v: str(v.day),
    "m": lambda v: f"{v.month:02d}",
    "n": lambda v: str(v.month),
    "Y": lambda v: f"{v.year:04d}",
    "H": lambda v: f"{v.hour:02d}",
    "G": lambda v: str(v.hour),
    "i": lambda v: f"{v.minute:02d}",
    "F": lambda v: str(MONTHS[v.month]),
    "M": lambda v: MONTHS_3[v.month].title(),
}


_MONTH_PARTS = {_SPECIFIERS["F"], _SPECIFIERS["M"]}


def _month_names(part):
    """The month-name specifier ``part`` (full or short), the twelve names translated now."""
    shown = [""] + [part(datetime.datetime(2000, month, 1)) for month in range(1, 13)]
    return lambda v: shown[v.month]


@functools.cache
def _compiled(format_string: str) -> tuple | None:
    """The format as literal strings and specifier functions, or None if it needs Django."""
    parts = []
    for index, piece in enumerate(re_formatchars.split(format_string)):
        if index % 2:
            if piece not in _SPECIFIERS:
                return None
            parts.append(_SPECIFIERS[piece])
        elif piece:
            parts.append(re_escaped.sub(r"\1", piece))
    return tuple(parts)


def local_date(value, arg=None) -> str:
    """``date``'s result for ``value`` (already in local time, as the filter receives it)."""
    if type(value) is not datetime.datetime:
        return django_date(value, arg)
    format_string = formats.get_format(arg or "DATE_FORMAT")
    parts = _compiled(str(format_string))
    if parts is None:
        return django_date(value, arg)
    return "".join(part if type(part) is str else part(value) for part in parts)


def date_formatter(format_string: str):
    """``fmt(value)`` is ``dateformat.format(value, format_string)`` (a format string, not a
    setting's name), the format split once and the month names translated once, in the
    language active when it is made: for the rows of one page that each show a date."""
    parts = _compiled(str(format_string))
    if parts is not None:
        parts = tuple(_month_names(part) if part in _MONTH_PARTS else part for part in parts)

    def fmt(value) -> str:
        if parts is None or type(value) is not datetime.datetime:
            return dateformat.format(value, format_string)
        return "".join(part if type(part) is str else part(value) for part in parts)

    return fmt
