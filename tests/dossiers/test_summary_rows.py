"""{% summary_rows %} writes the summary's rows as dossiers/_summary_rows.html does."""

import datetime

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from tests.rendered import collapsed as _collapsed

ROWS = [
    (gettext_lazy("birth date"), datetime.date(1999, 5, 17), False),
    ("nom <b>&</b>", 'Zoé <i>&amp;</i> "d\'Arc"', True),
    ("empty", "", True),
    ("year", 2020, False),
    ("zero", 0, True),
    ("safe", mark_safe("<em>kept</em>"), False),
    (gettext_lazy("nationality"), gettext_lazy("French"), True),
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("rows", [ROWS, [], ROWS[2:3], ROWS[:1]])
def test_the_same_html_as_the_template(language, rows):
    with translation.override(language):
        ours = Template("{% load dossier_summary %}{% summary_rows rows %}").render(
            Context({"rows": rows})
        )
        reference = render_to_string("dossiers/_summary_rows.html", {"rows": rows})
    assert _collapsed(ours) == _collapsed(reference)
    if rows == ROWS:
        assert "17" in ours and "&lt;i&gt;" in ours and "<em>kept</em>" in ours
