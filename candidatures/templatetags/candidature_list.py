"""``{% candidature_result_list cl %}``: Django's ``{% result_list cl %}`` with the rows of
``candidatures.changelist`` (the same template, the same headers). ``{% candidature_result_table
cl %}``, for a lean list: the same HTML from ``lean_results.html``, the headers drawn once per
language and ``cl.memo_key``, the rows one string."""

import functools

from django import template
from django.contrib.admin.templatetags.admin_list import result_headers, result_hidden_fields
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.utils.safestring import mark_safe

from ..changelist import result_rows, rows_html

register = template.Library()


def candidature_result_list(cl):
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": list(result_rows(cl)),
    }


@register.tag(name="candidature_result_list")
def candidature_result_list_tag(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=candidature_result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )


def candidature_result_table(cl):
    headers = functools.cache(lambda: list(result_headers(cl)))
    rows = rows_html(cl)
    return {
        "cl": cl,
        "memo_key": memo_key(cl),
        # Called only when the part above the rows is drawn (not when it comes from the memo).
        "result_hidden_fields": lambda: list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": lambda: sum(1 for h in headers() if h["sortable"] and h["sorted"]),
        "results": bool(rows),
        "rows": mark_safe(rows),  # noqa: S308 (every value escaped by the rows' writers)
    }


@register.tag(name="candidature_result_table")
def candidature_result_table_tag(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=candidature_result_table,
        template_name="lean_results.html",
        takes_context=False,
    )


@register.filter
def memo_key(cl):
    """``cl.memo_key``, None (so drawn live) for a changelist without one (Django's own)."""
    return getattr(cl, "memo_key", None)


@register.filter
def actions_key(action_form, actions_on_bottom):
    """The actions' choices (they follow the staff member's permissions) for the memo of the
    actions bar; None (drawn live) with a second bar at the bottom: ``{% admin_actions %}``
    counts its bars in the context, which a bar served from the memo would not."""
    if actions_on_bottom or action_form.is_bound:
        return None
    return tuple((name, str(label)) for name, label in action_form.fields["action"].choices)
