"""Section forms. They validate everything a candidate can type; the rules about the dossier
(order, freeze, INE already used) are the services'."""

import datetime
import unicodedata

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.widgets import LazySelect

from accounts.validators import validate_person_name
from ecandidat.widgets import SelectWidget

from .communes import normalize_name
from .ine import IneError, ine_format, normalize_ine
from .models import (
    Address,
    Baccalaureate,
    BacKind,
    BacMention,
    BacSeries,
    Commune,
    Experience,
    ExternalCursus,
    Internship,
    PersonalInfo,
)

MIN_YEAR = 1900
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FRANCE = "FR"
INE_LENGTH = 11


def check_past_date(value: datetime.date) -> datetime.date:
    if value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future: please check it."))
    if value.year < MIN_YEAR:
        raise forms.ValidationError(_("This date is not plausible: please check it."))
    return value


def clean_name(value: str) -> str:
    validate_person_name(value)
    return unicodedata.normalize("NFC", value.strip())


def check_past_year(value: int | None) -> int | None:
    if value is not None and not MIN_YEAR <= value <= timezone.localdate().year:
        raise forms.ValidationError(
            _("Enter a year between %(min)s and %(max)s.")
            % {"min": MIN_YEAR, "max": timezone.localdate().year}
        )
    return value


def check_ine(value: str) -> str:
    """A typed INE normalized, or the error that tells the candidate what is wrong with it."""
    value = normalize_ine(value)
    if not value:
        return ""
    try:
        ine_format(value)
    except IneError as error:
        if error.code == "key":
            raise forms.ValidationError(
                _(
                    "The check key of this INE (its last character) does not match the "
                    "number: please check it on your transcript."
                )
            ) from error
        if len(value) != INE_LENGTH:
            raise forms.ValidationError(
                _(
                    "An INE has 11 characters; this one has %(count)s. Copy it again from "
                    "your transcript."
                )
                % {"count": len(value)}
            ) from error
        raise forms.ValidationError(
            _(
                "These 11 characters are not an INE: an INE is, for example, 10 digits and "
                "a letter, or 9 digits and 2 letters. Check it on your transcript."
            )
        ) from error
    return value


def resolve_commune(form, postal_field: str, name_field: str):
    """The commune matching a typed postal code and name, or a form error on the right field.
    A postal code with a single commune needs no name."""
    postal = (form.cleaned_data.get(postal_field) or "").strip()
    name = form.cleaned_data.get(name_field) or ""
    if not postal:
        form.add_error(postal_field, _("Enter the postal code."))
        return None
    communes = list(Commune.objects.filter(postal_code=postal))
    if not communes:
        form.add_error(postal_field, _("This postal code is unknown: please check it."))
        return None
    matches = [c for c in communes if normalize_name(c.name) == normalize_name(name)]
    if not matches and not name and len(communes) == 1:
        matches = communes
    if len(matches) != 1:
        form.add_error(
            name_field,
            _("Choose the commune among those of this postal code: %(names)s.")
            % {"names": ", ".join(sorted(c.name for c in communes))},
        )
        return None
    return matches[0]


class MultilineField(forms.CharField):
    """A textarea's text with line breaks as one character: browsers send CRLF but count one
    character per line break against ``maxlength``, so the server must count the same way or
    refuse a text the page let through."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


class SectionForm(forms.ModelForm):
    """Radio buttons without Django's empty "---------" choice, country lists rendered as the
    DSFR selects they are."""

    # Fields the form's clean() requires in some cases only: their label says when, instead of
    # "(optional)", which a candidate would otherwise believe until the form refuses.
    required_when: dict = {}
    # Form fields that stand for a locked model field (the commune is typed as two fields).
    LOCKED_ALIASES: dict[str, tuple[str, ...]] = {}

    def __init__(self, *args, locked_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name, when in self.required_when.items():
            self.fields[name].required_when = when
        for name in locked_fields:
            for alias in (name, *self.LOCKED_ALIASES.get(name, ())):
                if alias in self.fields:
                    # A disabled field keeps the instance's value whatever is posted.
                    self.fields[alias].disabled = True
                    self.fields[alias].help_text = _("From the student records (locked).")
        self.locked_fields = set(locked_fields)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                field.choices = [choice for choice in field.choices if choice[0] != ""]
            elif type(field.widget) in (forms.Select, LazySelect):
                # The same HTML as Django's Select, written in Python (ecandidat/widgets.py).
                widget = SelectWidget(attrs=field.widget.attrs, choices=field.choices)
                widget.is_required = field.widget.is_required
                field.widget = widget

    def section_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self._meta.fields}


class PersonalInfoForm(SectionForm):
    LOCKED_ALIASES = {"birth_commune": ("birth_postal_code", "birth_commune_name")}

    birth_postal_code = forms.CharField(
        label=_("Postal code of the birth commune"),
        max_length=5,
        required=False,
        help_text=_("If you were born in France."),
    )
    birth_commune_name = forms.CharField(
        label=_("Birth commune"),
        max_length=100,
        required=False,
        help_text=_("If you were born in France."),
    )
    # Longer than an INE: people copy it with spaces from their transcript.
    ine = forms.CharField(
        label=_("INE / BEA"),
        max_length=20,
        required=False,
        help_text=_(
            "Eleven characters, found on your latest transcripts, your student card or "
            "your baccalauréat transcript. Leave empty if you have none (for example "
            "with a foreign diploma)."
        ),
    )

    required_when = {
        "birth_postal_code": _("required if you were born in France"),
        "birth_commune_name": _("required if its postal code has several communes"),
        "birth_town": _("required if you were born abroad"),
    }

    class Meta:
        model = PersonalInfo
        fields = [
            "civility",
            "birth_name",
            "usage_name",
            "first_names",
            "birth_date",
            "birth_country",
            "birth_postal_code",
            "birth_commune_name",
            "birth_town",
            "nationality",
            "ine",
            "phone",
            "mobile_phone",
        ]
        widgets = {"civility": forms.RadioSelect, "birth_date": DATE_WIDGET}
        help_texts = {
            "birth_name": _("Your name at birth, as on your identity document."),
            "usage_name": _("Married or usage name, if different."),
            "first_names": _("All your first names, separated by commas."),
            "birth_date": _("Format: DD/MM/YYYY"),
            "birth_town": _("If you were born abroad."),
            "phone": _("French number, or international with its prefix (+44...)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        commune = self.instance.birth_commune if self.instance.pk else None
        if commune is not None:
            self.initial.setdefault("birth_postal_code", commune.postal_code)
            self.initial.setdefault("birth_commune_name", commune.name)

    def clean_birth_name(self):
        return clean_name(self.cleaned_data["birth_name"])

    def clean_usage_name(self):
        return clean_name(self.cleaned_data.get("usage_name", ""))

    def clean_first_names(self):
        return clean_name(self.cleaned_data["first_names"])

    def clean_birth_date(self):
        value = check_past_date(self.cleaned_data["birth_date"])
        if value > timezone.localdate() - datetime.timedelta(days=365 * 14):
            raise forms.ValidationError(_("This birth date is not plausible: please check it."))
        return value

    def clean_ine(self):
        return check_ine(self.cleaned_data.get("ine", ""))

    def clean(self):
        cleaned = super().clean()
        country = cleaned.get("birth_country")
        if country == FRANCE:
            cleaned["birth_commune"] = resolve_commune(
                self, "birth_postal_code", "birth_commune_name"
            )
            cleaned["birth_town"] = ""
        elif country:
            cleaned["birth_commune"] = None
            if not cleaned.get("birth_town"):
                self.add_error("birth_town", _("Enter the town where you were born."))
        return cleaned

    def _get_validation_exclusions(self):
        # The INE's uniqueness is the service's to check: its message must point to account
        # recovery, not quote the database constraint.
        return {*super()._get_validation_exclusions(), "ine"}

    def section_data(self) -> dict:
        data = {
            name: self.cleaned_data[name]
            for name in self._meta.fields
            if name not in ("birth_postal_code", "birth_commune_name")
        }
        data["birth_commune"] = self.cleaned_data.get("birth_commune")
        return data


class AddressForm(SectionForm):
    LOCKED_ALIASES = {"commune": ("postal_code", "commune_name")}

    postal_code = forms.CharField(
        label=_("Postal code"), max_length=5, required=False, help_text=_("In France.")
    )
    commune_name = forms.CharField(
        label=_("Commune"), max_length=100, required=False, help_text=_("In France.")
    )

    required_when = {
        "postal_code": _("required in France"),
        "commune_name": _("required if its postal code has several communes"),
        "town": _("required abroad"),
    }

    class Meta:
        model = Address
        fields = [
            "country",
            "line1",
            "line2",
            "line3",
            "postal_code",
            "commune_name",
            "foreign_postal_code",
            "town",
        ]
        help_texts = {
            "line1": _("Number and street."),
            "line2": _("Building, staircase, apartment..."),
            "foreign_postal_code": _("Abroad."),
            "town": _("Abroad."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        commune = self.instance.commune if self.instance.pk else None
        if commune is not None:
            self.initial.setdefault("postal_code", commune.postal_code)
            self.initial.setdefault("commune_name", commune.name)

    def clean(self):
        cleaned = super().clean()
        country = cleaned.get("country")
        if country == FRANCE:
            cleaned["commune"] = resolve_commune(self, "postal_code", "commune_name")
            cleaned["town"] = cleaned["foreign_postal_code"] = ""
        elif country:
            cleaned["commune"] = None
            if not cleaned.get("town"):
                self.add_error("town", _("Enter the town."))
        return cleaned

    def section_data(self) -> dict:
        keep = ("country", "line1", "line2", "line3", "foreign_postal_code", "town")
        data = {name: self.cleaned_data[name] for name in keep}
        data["commune"] = self.cleaned_data.get("commune")
        return data


class BaccalaureateForm(SectionForm):
    required_when = {
        "year": _("required unless you have no baccalauréat"),
        "series": _("required for the French baccalauréat"),
        "school": _("required for the French baccalauréat"),
        "diploma_title": _("required for a foreign diploma"),
        "school_country": _("required unless you have no baccalauréat"),
    }

    class Meta:
        model = Baccalaureate
        fields = [
            "kind",
            "year",
            "series",
            "specialities",
            "mention",
            "diploma_title",
            "school",
            "school_country",
        ]
        widgets = {"kind": forms.RadioSelect}
        help_texts = {
            "series": _("French baccalauréat only."),
            "specialities": _("For the general baccalauréat since 2021, e.g. Mathematics."),
            "diploma_title": _("Foreign diploma or equivalent only."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = BacSeries.objects.filter(is_active=True)
        self.fields["mention"].queryset = BacMention.objects.filter(is_active=True)

    def clean_year(self):
        return check_past_year(self.cleaned_data.get("year"))

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        required = {
            BacKind.FRENCH: ["year", "series", "school", "school_country"],
            BacKind.EQUIVALENT: ["year", "diploma_title", "school_country"],
        }.get(kind, [])
        for name in required:
            if name not in self.errors and not cleaned.get(name):
                self.add_error(name, _("This field is required."))
        if kind == BacKind.NONE:
            cleaned.update(year=None, series=None, mention=None)
            cleaned.update(specialities="", diploma_title="", school="", school_country="")
        elif kind == BacKind.FRENCH:
            cleaned["diploma_title"] = ""
        elif kind == BacKind.EQUIVALENT:
            cleaned.update(series=None, specialities="")
        return cleaned


class ExternalCursusForm(SectionForm):
    class Meta:
        model = ExternalCursus
        fields = ["year", "institution", "country", "diploma", "level", "obtained", "mention"]
        widgets = {"obtained": forms.RadioSelect}
        help_texts = {"year": _("Year the academic year ended, e.g. 2024 for 2023-2024.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mention"].queryset = BacMention.objects.filter(is_active=True)

    def clean_year(self):
        return check_past_year(self.cleaned_data.get("year"))


class InternshipForm(SectionForm):
    class Meta:
        model = Internship
        fields = ["year", "organisation", "duration_weeks", "hours_per_week", "description"]
        field_classes = {"description": MultilineField}

    def clean_year(self):
        return check_past_year(self.cleaned_data.get("year"))

    def clean_duration_weeks(self):
        value = self.cleaned_data.get("duration_weeks")
        if value is not None and not 1 <= value <= 156:
            raise forms.ValidationError(_("Enter a duration between 1 and 156 weeks."))
        return value

    def clean_hours_per_week(self):
        value = self.cleaned_data.get("hours_per_week")
        if value is not None and not 1 <= value <= 70:
            raise forms.ValidationError(_("Enter a number of hours between 1 and 70."))
        return value


class ExperienceForm(SectionForm):
    class Meta:
        model = Experience
        fields = ["start_date", "end_date", "employer", "position", "work_time", "description"]
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "work_time": forms.RadioSelect,
        }
        help_texts = {"end_date": _("Leave empty if you still hold this position.")}
        field_classes = {"description": MultilineField}

    def clean_start_date(self):
        return check_past_date(self.cleaned_data["start_date"])

    def clean_end_date(self):
        value = self.cleaned_data.get("end_date")
        return value and check_past_date(value)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return cleaned


class NoneForm(forms.Form):
    none = forms.BooleanField(required=False)
