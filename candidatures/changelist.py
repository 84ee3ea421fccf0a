"""The staff list of applications (the admin's changelist of ``CandidatureAdmin``), its rows
read by one lean ``values()`` query and written directly.

Django's changelist builds five model instances per row (the application, its dossier and
user, its programme and centre) and renders each of the 50 rows × 7 columns through
``lookup_field``, ``display_for_*``, ``format_html`` and a ``reverse()`` per link: most of the
page's time (docs/performance.md). Here the rows are dictionaries of the ten values shown and
each row's HTML is written once, with the change page's URL computed once per page. The
sorting, the filters, the search, the actions, the pagination and the scope (the queryset is
still the admin's, ``for_staff`` included) are Django's: only the fetching of the page's rows
and their HTML change, and the HTML is Django's own (tests/candidatures/test_admin.py compares
the rows with ``items_for_result``'s, FR and EN, with filters preserved).

Anything this module does not know (a popup, ``to_field``, a column it has no writer for)
keeps Django's rows and rendering."""

import re
from html import escape

from django import forms
from django.conf import settings
from django.contrib.admin import filters as admin_filters
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.templatetags.admin_list import ResultList, results
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ALL_VAR, ORDER_VAR, ChangeList
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ecandidat.dates import date_formatter
from ecandidat.reversing import url_around

from .models import Status

# What the rows read: the primary key and the values the columns show.
ROW_VALUES = (
    "pk",
    "dossier__number",
    "dossier__user__last_name",
    "dossier__user__first_name",
    "dossier__user__email",
    "programme__code",
    "programme__title",
    "status",
    "submitted_at",
    "refused_count",
)


def _shown(value) -> str:
    """``display_for_value`` for a string: blank is the admin's empty value. (``escape`` is
    the standard library's, which Django's wraps for lazy strings.)"""
    return escape(value) if value and value.strip() else "-"


def _label(row) -> str:
    """``str(candidature)``: the dossier's number, then the programme's code and title."""
    return f"{row['dossier__number']} → {row['programme__code']} {row['programme__title']}"


def _name(row) -> str:
    """``CandidatureAdmin.candidate_name``."""
    name = f"{row['dossier__user__last_name'].upper()} {row['dossier__user__first_name']}"
    return name.strip() or row["dossier__user__email"]


class LeanChangeList(ChangeList):
    """``lean`` when the page's rows are ``values()`` dictionaries written by ``row_cells``."""

    lean = False
    memo_key = None

    def get_results(self, request):
        super().get_results(request)
        self.lean = (
            not self.is_popup
            and not self.to_field
            and not self.model_admin.list_editable
            and set(self.list_display) <= set(COLUMNS)
            and set(self.list_display_links or ()) == {"candidate_number", "candidate_name"}
        )
        if self.lean:
            self.result_list = list(self.result_list.values(*ROW_VALUES))
            self.memo_key = _memo_key(self, request)


def _writers(cl):
    """One function per column, row -> its cell's HTML, with what every row shares (the
    translations, the empty value, the change page's URL around the primary key) computed
    once."""
    empty = cl.model_admin.get_empty_value_display()
    head, tail = url_around(
        f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change",
        lambda url: add_preserved_filters(
            {"preserved_filters": cl.preserved_filters, "opts": cl.opts}, url
        ),
        current_app=cl.model_admin.admin_site.name,
    )
    select = _("Select this object for an action - {}")
    statuses = {value: escape(str(label)) for value, label in Status.choices}
    # formats.localize(), its format looked up and split once.
    moment_text = date_formatter(formats.get_format("DATETIME_FORMAT"))
    # timezone.template_localtime() with the current time zone looked up once.
    zone = timezone.get_current_timezone()

    def local(moment):
        if not settings.USE_TZ or timezone.is_naive(moment):
            return moment
        return moment.astimezone(zone)

    def checkbox(row):
        return (
            f'<td class="action-checkbox"><input type="checkbox" name="{ACTION_CHECKBOX_NAME}"'
            f' value="{row["pk"]}" class="action-select"'
            f' aria-label="{select.format(escape(_label(row)))}"></td>'
        )

    def number(row):
        return (
            f'<th class="field-candidate_number"><a href="{head}{row["pk"]}{tail}">'
            f"{_shown(row['dossier__number'])}</a></th>"
        )

    def name(row):
        return (
            f'<td class="field-candidate_name"><a href="{head}{row["pk"]}{tail}">'
            f"{_shown(_name(row))}</a></td>"
        )

    def programme(row):
        return (
            '<td class="field-programme nowrap">'
            f"{escape(row['programme__code'] + ' ' + row['programme__title'])}</td>"
        )

    def status(row):
        value = row["status"]
        return f'<td class="field-status_badge">{statuses.get(value) or _shown(value)}</td>'

    def submitted(row):
        moment = row["submitted_at"]
        shown = escape(moment_text(local(moment))) if moment else empty
        return f'<td class="field-submitted_at nowrap">{shown}</td>'

    def refused(row):
        count = row["refused_count"]
        return (
            '<td class="field-refused_pieces">'
            f"{escape(formats.number_format(count)) if count else '—'}</td>"
        )

    writers = {
        "action_checkbox": checkbox,
        "candidate_number": number,
        "candidate_name": name,
        "programme": programme,
        "status_badge": status,
        "submitted_at": submitted,
        "refused_pieces": refused,
    }
    return [writers[column] for column in cl.list_display]


COLUMNS = (
    "action_checkbox",
    "candidate_number",
    "candidate_name",
    "programme",
    "status_badge",
    "submitted_at",
    "refused_pieces",
)


def rows_html(cl) -> str:
    """A lean list's rows as ``change_list_results.html``'s loop writes them, whitespace
    included (each row: its ``{% for %}``'s line end, the empty ``{% if %}`` of a bulk-edit
    form's errors, ``<tr>``, the cells, ``</tr>`` and its line end)."""
    writers = _writers(cl)
    # Every value in the cells went through escape() in its writer.
    return "".join(
        f"\n\n<tr>{''.join([write(row) for write in writers])}</tr>\n" for row in cl.result_list
    )


def result_rows(cl):
    """The rows as ``change_list_results.html`` loops over them: each a ``ResultList`` of
    cells (here one: the whole row's HTML, which the template writes between ``<tr>`` and
    ``</tr>`` as it would the cells one after the other)."""
    if not getattr(cl, "lean", False):
        yield from results(cl)
        return
    writers = _writers(cl)
    for row in cl.result_list:
        # Every value in the cells went through escape() in its writer.
        html = "".join(write(row) for write in writers)
        yield ResultList(None, [mark_safe(html)])  # noqa: S308


# An ordering as the column headers' links write it: "2", "-5.2"...
_ORDERING = re.compile(r"-?\d{1,2}(\.-?\d{1,2}){0,9}")


def _memo_key(cl, request):
    """What the list's sidebar and toolbars show besides the rows (the filters with their
    links, the search form, the actions' form, the pagination), as a key for
    ``{% memo %}`` (``ecandidat.layout``; the language and the script prefix are added
    there), or None to draw them live.

    The key is everything they read: the query string (every link keeps it), the counts and
    the page, and each filter's choices as the page read them from the database (the centres
    and programmes are the staff member's own, so two scopes never share a key). None for
    anything typed (a search, a date the form refuses, a value that is not one of a filter's
    choices, an unknown parameter: what people type is never kept), for counts in the
    filters (``_facets``), and for what this key does not know (a filter of another kind, a
    popup, bulk editing, anything but a GET)."""
    if request.method != "GET" or not cl.lean or cl.list_editable or cl.add_facets:
        return None
    allowed = {ORDER_VAR: None, ALL_VAR: {""}}
    specs = []
    for spec in cl.filter_specs:
        if isinstance(spec, admin_filters.RelatedFieldListFilter):
            choices = tuple((str(pk), str(label)) for pk, label in spec.lookup_choices)
            specs.append((type(spec), choices, spec.include_empty_choice))
            allowed[spec.lookup_kwarg] = {pk for pk, _label in choices}
            allowed[spec.lookup_kwarg_isnull] = {"True", "False"}
        elif isinstance(spec, admin_filters.ChoicesFieldListFilter):
            specs.append((type(spec),))  # the field's choices: the language is in the key
            allowed[spec.lookup_kwarg] = {str(value) for value, _label in spec.field.flatchoices}
            allowed[spec.lookup_kwarg_isnull] = {"True", "False"}
        elif isinstance(spec, admin_filters.SimpleListFilter):
            choices = tuple((str(value), str(label)) for value, label in spec.lookup_choices)
            specs.append((type(spec), choices))
            allowed[spec.parameter_name] = {value for value, _label in choices}
        elif getattr(spec, "form", None) is not None and hasattr(spec, "since_param"):
            # SubmittedBetweenFilter: dates the form takes, as typed (its inputs show them).
            if not spec.form.is_valid():
                return None
            specs.append((type(spec),))
            allowed[spec.since_param] = allowed[spec.until_param] = _DATE
        else:
            return None
    params = []
    for key, values in sorted(cl.filter_params.items()):
        if key not in allowed:
            return None
        accepted = allowed[key]
        for value in values:
            if accepted is None:
                if not _ORDERING.fullmatch(value):
                    return None
            elif accepted is _DATE:
                if value and not _is_date(value):
                    return None
            elif value not in accepted:
                return None
        params.append((key, tuple(values)))
    return (
        tuple(params),
        tuple(specs),
        cl.page_num,
        cl.result_count,
        cl.full_result_count,
        len(cl.result_list),
        cl.paginator.num_pages,
        cl.multi_page,
        cl.can_show_all,
        cl.show_all,
    )


_DATE = object()


def _is_date(value: str) -> bool:
    try:
        forms.DateField().clean(value)
    except forms.ValidationError:
        return False
    return True
