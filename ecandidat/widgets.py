"""Widgets written in Python where Django's templates cost too much.

A ``Select`` renders each of its options through a template include (``select_option.html``
and ``attrs.html``): the dossier's country and nationality lists have about 250 options each,
and rendering them was 30 of the personal information form's 35 ms. ``SelectWidget`` writes the
same HTML, byte for byte (a test compares it with Django's through the site's form renderer),
from the same ``get_context()``.
"""

import html

from django import forms
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def _escape(value) -> str:
    # conditional_escape without its SafeString wrapping (one call per option, 500 a page).
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _attrs(attrs: dict) -> str:
    # django/forms/widgets/attrs.html: False left out, True as a bare name, else name="value".
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


class SelectWidget(forms.Select):
    # Named so that BoundField.widget_type is still "select" (templates/includes/field.html).

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        # django/forms/widgets/select.html and select_option.html, whitespace included.
        parts = [format_html('<select name="{}"', widget["name"]), _attrs(widget["attrs"]), ">"]
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', localize(group_name)))
            for option in group_choices:
                label = option["label"]
                parts.append(
                    f'\n  <option value="{_escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs']) if option['attrs'] else ''}>"
                    f"{_escape(label if type(label) is str else localize(label))}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")  # the renderer strips the template's last newline
        # Every part is escaped by format_html or _escape, or a constant.
        return mark_safe("".join(parts))  # noqa: S308
