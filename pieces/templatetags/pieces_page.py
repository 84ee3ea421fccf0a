"""``{% pieces_section %}``: the application page's documents section (``pieces.section``),
from the context ``selectors.pieces_context`` gave the page."""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse

from .. import section

register = template.Library()

_CSRF = CsrfTokenNode()


@register.simple_tag(takes_context=True)
def pieces_section(context) -> str:
    if not section.written:
        return context.template.engine.get_template("pieces/_pieces.html").render(context)
    submit_url = ""
    if context["pieces_editable"] and context["can_submit"]:
        submit_url = reverse("pieces:submit", args=[context["candidature"].pk])
    return section.section_html(context, csrf=_CSRF.render(context), submit_url=submit_url)
