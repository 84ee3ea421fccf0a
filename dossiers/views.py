"""The candidate's dossier pages: an overview, one page per section with a left menu showing
each section's state, and small add / edit / delete pages for the repeatable sections."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ecandidat.layout import fixed_reverse
from ecandidat.ratelimits import DOSSIER_INE, rate_limit_consume, rate_limit_message

from .access import candidate_required
from .forms import (
    AddressForm,
    BaccalaureateForm,
    ExperienceForm,
    ExternalCursusForm,
    InternshipForm,
    NoneForm,
    PersonalInfoForm,
)
from .models import REQUIRABLE_SECTIONS, Section
from .selectors import (
    REPEATABLE_SECTIONS,
    imported_fields,
    missing_sections,
    section_complete,
    section_object,
    section_states,
    sections_unlocked,
)
from .services import (
    IneAlreadyUsed,
    LinesExist,
    PersonalInfoFrozen,
    SectionLocked,
    dossier_create,
    line_delete,
    line_save,
    section_declare_none,
    section_save,
)
from .summary import LINE_COLUMNS, SUMMARY_FIELDS, display

SINGLE_FORMS = {
    Section.PERSONAL_INFO: PersonalInfoForm,
    Section.ADDRESS: AddressForm,
    Section.BACCALAUREATE: BaccalaureateForm,
}
LINE_FORMS = {
    Section.EXTERNAL_CURSUS: ExternalCursusForm,
    Section.INTERNSHIPS: InternshipForm,
    Section.EXPERIENCES: ExperienceForm,
}
SECTION_ORDER = list(Section.values)


def _short(value):
    """Long texts (descriptions) cut in the table; dates and numbers left to the template's
    localized rendering."""
    return Truncator(value).chars(80) if isinstance(value, str) else value


def _context(dossier, current: str, **extra) -> dict:
    states = section_states(dossier)
    index = SECTION_ORDER.index(current) if current in SECTION_ORDER else -1
    next_key = SECTION_ORDER[index + 1] if 0 <= index < len(SECTION_ORDER) - 1 else None
    return {
        "dossier": dossier,
        "menu": [(state, fixed_reverse(f"dossiers:{state.key}")) for state in states],
        "current": current,
        "section_label": Section(current).label if current in SECTION_ORDER else "",
        "next_url": fixed_reverse(f"dossiers:{next_key}" if next_key else "dossiers:overview"),
        "next_label": Section(next_key).label if next_key else _("My dossier"),
        **extra,
    }


def _locked(request, dossier, section):
    return render(request, "dossiers/locked.html", _context(dossier, section), status=403)


@login_required
@require_POST
def open_dossier(request):
    """The button of the "no dossier yet" page (candidate_required); staff never get one."""
    if not request.user.is_staff:
        dossier_create(user=request.user)
    return redirect("dossiers:overview")


@candidate_required
def overview(request, *, dossier):
    missing = missing_sections(dossier=dossier, optional_sections=set())
    return render(
        request,
        "dossiers/overview.html",
        _context(
            dossier,
            "overview",
            missing=[Section(key).label for key in missing],
            # The main button leads to the first section still to fill, not always the first.
            first_missing=(
                (missing[0], Section(missing[0]).label, fixed_reverse(f"dossiers:{missing[0]}"))
                if missing
                else None
            ),
            total=len(REQUIRABLE_SECTIONS),
            done=len(REQUIRABLE_SECTIONS) - len(missing),
        ),
    )


@candidate_required
@require_http_methods(["GET", "POST"])
def single_section(request, section, edit=False, *, dossier):
    """The summary of a filled section with "edit" and "next", or its form."""
    if section != Section.PERSONAL_INFO and not sections_unlocked(dossier):
        return _locked(request, dossier, section)
    obj = section_object(dossier, section)
    frozen = section == Section.PERSONAL_INFO and dossier.personal_info_frozen
    here = fixed_reverse(f"dossiers:{section}")
    if frozen and (edit or request.method == "POST"):
        messages.error(request, _("Your personal information can no longer be changed."))
        return redirect(here)
    imported = imported_fields(dossier, section, obj)
    if obj is not None and not edit and section_complete(dossier, section):
        rows = [
            (obj._meta.get_field(name).verbose_name, display(obj, name), name in imported)
            for name in SUMMARY_FIELDS[section]
        ]
        return render(
            request,
            "dossiers/section.html",
            _context(dossier, section, rows=rows, frozen=frozen, imported=bool(imported)),
        )
    initial = {}
    if obj is None and section == Section.PERSONAL_INFO:
        # What the candidate gave at sign-up, so they do not type it twice.
        user = request.user
        initial = {
            "civility": user.civility,
            "birth_name": user.last_name,
            "first_names": user.first_name,
            "birth_date": user.birth_date,
        }
    ine = getattr(obj, "ine", "")  # before the form writes what was typed on the instance
    form = SINGLE_FORMS[section](
        request.POST or None,
        instance=obj,
        initial=initial,
        locked_fields=dossier.locked_fields(section) if obj is not None else (),
    )
    status = 200
    if request.method == "POST" and form.is_valid() and _ine_over_limit(request, form, ine):
        form.add_error("ine", rate_limit_message(DOSSIER_INE))
        status = 429
    elif request.method == "POST" and form.is_valid():
        try:
            section_save(
                dossier=dossier, actor=request.user, section=section, data=form.section_data()
            )
        except PersonalInfoFrozen:
            messages.error(request, _("Your personal information can no longer be changed."))
            return redirect(here)
        except SectionLocked:
            return _locked(request, dossier, section)
        except IneAlreadyUsed:
            form.add_error(
                "ine",
                format_html(
                    '{} <a href="{}">{}</a>',
                    _(
                        "This INE is already registered in another dossier. If you already "
                        "have an account, recover it rather than creating a second one:"
                    ),
                    reverse("account_reset_password"),
                    _("reset your password"),
                ),
            )
        else:
            messages.success(request, _("%(section)s saved.") % {"section": Section(section).label})
            return redirect(here)
    return render(
        request,
        "dossiers/section_form.html",
        _context(dossier, section, form=form, action=fixed_reverse(f"dossiers:{section}_edit")),
        status=status,
    )


def _ine_over_limit(request, form, stored_ine: str) -> bool:
    """A new INE is checked against every other dossier and the page says when one holds it:
    counted (per account and address) so the page cannot be used to test INEs in bulk."""
    ine = form.cleaned_data.get("ine") or ""
    if not ine or ine == stored_ine:
        return False
    return not rate_limit_consume(request, action=DOSSIER_INE)


@candidate_required
def internal_cursus(request, *, dossier):
    if not sections_unlocked(dossier):
        return _locked(request, dossier, Section.INTERNAL_CURSUS)
    lines = list(dossier.internal_cursus.all())
    return render(
        request,
        "dossiers/internal_cursus.html",
        _context(dossier, Section.INTERNAL_CURSUS, lines=lines),
    )


def _line_queryset(dossier, section):
    model, _flag = REPEATABLE_SECTIONS[section]
    queryset = model.objects.filter(dossier=dossier)
    if section == Section.EXTERNAL_CURSUS:
        queryset = queryset.select_related("mention")
    return queryset


@candidate_required
def line_list(request, section, *, dossier):
    if not sections_unlocked(dossier):
        return _locked(request, dossier, section)
    model, flag = REPEATABLE_SECTIONS[section]
    columns = LINE_COLUMNS[section]
    lines = [
        (line, [_short(display(line, name)) for name in columns])
        for line in _line_queryset(dossier, section)
    ]
    return render(
        request,
        "dossiers/lines.html",
        _context(
            dossier,
            section,
            headers=[model._meta.get_field(name).verbose_name for name in columns],
            lines=lines,
            has_none=getattr(dossier, flag),
            none_url=fixed_reverse(f"dossiers:{section}_none"),
            add_url=fixed_reverse(f"dossiers:{section}_add"),
            edit_name=f"dossiers:{section}_edit",
            delete_name=f"dossiers:{section}_delete",
        ),
    )


@candidate_required
@require_http_methods(["GET", "POST"])
def line_edit(request, section, pk=None, *, dossier):
    if not sections_unlocked(dossier):
        return _locked(request, dossier, section)
    line = get_object_or_404(_line_queryset(dossier, section), pk=pk) if pk else None
    form = LINE_FORMS[section](request.POST or None, instance=line)
    if request.method == "POST" and form.is_valid():
        try:
            line_save(
                dossier=dossier,
                actor=request.user,
                section=section,
                data=form.section_data(),
                line=line,
            )
        except SectionLocked:
            return _locked(request, dossier, section)
        messages.success(request, _("Line saved."))
        return redirect(f"dossiers:{section}")
    action = (
        reverse(f"dossiers:{section}_edit", args=[pk]) if pk else reverse(f"dossiers:{section}_add")
    )
    return render(
        request,
        "dossiers/line_form.html",
        _context(dossier, section, form=form, action=action, editing=line is not None),
    )


@candidate_required
@require_http_methods(["GET", "POST"])
def line_remove(request, section, pk, *, dossier):
    if not sections_unlocked(dossier):
        return _locked(request, dossier, section)
    line = get_object_or_404(_line_queryset(dossier, section), pk=pk)
    if request.method == "POST":
        try:
            line_delete(dossier=dossier, actor=request.user, section=section, line=line)
        except SectionLocked:
            return _locked(request, dossier, section)
        messages.success(request, _("Line deleted."))
        return redirect(f"dossiers:{section}")
    return render(request, "dossiers/line_delete.html", _context(dossier, section, line=line))


@candidate_required
@require_POST
def declare_none(request, section, *, dossier):
    form = NoneForm(request.POST)
    none = form.is_valid() and form.cleaned_data["none"]
    try:
        section_declare_none(dossier=dossier, actor=request.user, section=section, none=none)
    except SectionLocked:
        return _locked(request, dossier, section)
    except LinesExist:
        messages.error(request, _("You have added lines to this section: delete them first."))
    else:
        messages.success(request, _("Saved."))
    return redirect(f"dossiers:{section}")
