"""Punctuation that differs by language: French puts a no-break space before a colon, English
does not. Templates write ``{% colon %}`` after a label instead of a hard-coded ``&nbsp;:``."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def colon() -> str:
    if (get_language() or "").startswith("fr"):
        return mark_safe("&nbsp;:")
    return ":"
