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

from html import escape

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.templatetags.admin_list import ResultList, results
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ChangeList
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
        shown = escape(moment_text(timezone.template_localtime(moment))) if moment else empty
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
