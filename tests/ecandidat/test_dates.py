"""``ecandidat.dates.local_date`` writes what Django's ``date`` filter writes."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from ecandidat.dates import date_formatter, local_date

FORMATS = [
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
    r"j \d\e F Y à H\hi",
    "l j F Y, P",  # specifiers left to Django
    None,
]
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MOMENTS = [
    datetime.datetime(2026, month, day, hour, minute, tzinfo=PARIS)
    for month in range(1, 13)
    for day, hour, minute in [(1, 0, 0), (9, 9, 5), (28, 23, 59)]
] + [datetime.datetime(999, 3, 29, 2, 30, tzinfo=PARIS)]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_same_text_as_django(language):
    with translation.override(language):
        for moment in MOMENTS:
            for name in FORMATS:
                template = Template(
                    "{% load applications %}{{ v|date:f }}|{{ v|local_date:f }}"
                    if name
                    else "{% load applications %}{{ v|date }}|{{ v|local_date }}"
                )
                expected, got = template.render(Context({"v": moment, "f": name})).split("|")
                assert got == expected, (language, moment, name)


def test_what_is_not_a_datetime_goes_to_django():
    with translation.override("fr"):
        assert local_date(datetime.date(2026, 3, 2), "DATE_FORMAT") == "2 mars 2026"
        assert local_date(None, "DATE_FORMAT") == ""
        assert local_date("", "DATE_FORMAT") == ""


def test_in_local_time_as_the_filter():
    utc = datetime.datetime(2026, 7, 1, 22, 30, tzinfo=datetime.UTC)
    with translation.override("fr"), timezone.override("Europe/Paris"):
        page = Template('{% load applications %}{{ v|local_date:"DATETIME_FORMAT" }}')
        assert page.render(Context({"v": utc})) == "2 juillet 2026 00:30"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_date_formatter_is_dateformat(language):
    """The changelist's submission dates: the format split once, the same text as Django's
    ``dateformat.format`` for our formats, a literal one and one left to Django."""
    from django.utils import dateformat, formats

    with translation.override(language):
        for name in [n for n in FORMATS if n and n.isupper()] + [
            r"j \d\e F Y à H\hi",
            "l j F Y, P",
        ]:
            format_string = formats.get_format(name) if name.isupper() else name
            fmt = date_formatter(format_string)
            for moment in MOMENTS:
                assert fmt(moment) == dateformat.format(moment, format_string)
        day, date_format = MOMENTS[4].date(), formats.get_format("DATE_FORMAT")
        assert date_formatter(date_format)(day) == dateformat.format(day, date_format)
