"""The dossier (one per candidate, numbered by the candidate number), its sections, and the
referentials its forms choose from (communes, baccalauréat series and mentions)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from accounts.models import Civility


class Section(models.TextChoices):
    """The dossier's sections, in the order the guide has candidates fill them."""

    PERSONAL_INFO = "personal_info", _("Personal information")
    ADDRESS = "address", _("Address")
    BACCALAUREATE = "baccalaureate", _("Baccalauréat")
    INTERNAL_CURSUS = "internal_cursus", _("Internal cursus")
    EXTERNAL_CURSUS = "external_cursus", _("External post-bac cursus")
    INTERNSHIPS = "internships", _("Internships")
    EXPERIENCES = "experiences", _("Professional experience")


# Sections a programme may require; the internal cursus is filled by the university, never
# by the candidate, so it is never "missing".
REQUIRABLE_SECTIONS = [s for s in Section.values if s != Section.INTERNAL_CURSUS]

# Sections whose imported values the candidate cannot change (« remonté du logiciel de
# scolarité »). The imported address is only a starting point: people move.
RECORDS_LOCKED_SECTIONS = {Section.PERSONAL_INFO, Section.BACCALAUREATE}


# --- Referentials ---------------------------------------------------------------------------


class Commune(models.Model):
    """A French commune and one of its postal codes (a commune may have several, a postal code
    several communes), as in La Poste's official base of postal codes."""

    insee_code = models.CharField(_("INSEE code"), max_length=5)
    name = models.CharField(_("name"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=5, db_index=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name", "postal_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["insee_code", "postal_code"], name="commune_unique_insee_postal_code"
            )
        ]

    def __str__(self):
        return f"{self.postal_code} {self.name}"


class TranslatedLabel(models.Model):
    """A staff-editable list entry whose label has a French and an English wording."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    label = models.CharField(_("label (French)"), max_length=150)
    label_en = models.CharField(_("label (English)"), max_length=150, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered to candidates"), default=True)

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self):
        if self.label_en and (get_language() or "").startswith("en"):
            return self.label_en
        return self.label


class BacSeries(TranslatedLabel):
    class Meta(TranslatedLabel.Meta):
        verbose_name = _("baccalauréat series")
        verbose_name_plural = _("baccalauréat series")


class BacMention(TranslatedLabel):
    class Meta(TranslatedLabel.Meta):
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")


# --- The dossier ----------------------------------------------------------------------------


class RecordsStatus(models.TextChoices):
    """How the last attempt to import the student records ended, as the candidate is told."""

    IMPORTED = "imported", _("imported")
    NOT_FOUND = "not_found", _("no matching record")
    UNAVAILABLE = "unavailable", _("records unavailable")
    INE_TAKEN = "ine_taken", _("INE already in another dossier")


class Dossier(models.Model):
    """One per candidate; deleted with the account (the 48-hour purge takes it along)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="dossier",
        verbose_name=_("candidate"),
    )
    number = models.CharField(_("dossier number"), max_length=8, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    personal_info_frozen_at = models.DateTimeField(
        _("personal information frozen at"), null=True, blank=True, editable=False
    )
    has_no_external_cursus = models.BooleanField(_("no external cursus"), default=False)
    has_no_internships = models.BooleanField(_("no internship"), default=False)
    has_no_experiences = models.BooleanField(_("no professional experience"), default=False)
    # Filled by the student-records import (ent.services): the student number the records
    # know the candidate by, when they were last imported, and each imported section's values
    # as imported ({section: {field: value}}), which tells the candidate's own typing apart.
    student_number = models.CharField(_("student number"), max_length=30, blank=True)
    records_imported_at = models.DateTimeField(
        _("imported from the student records at"), null=True, blank=True, editable=False
    )
    imported_fields = models.JSONField(default=dict, blank=True, editable=False)
    records_status = models.CharField(
        _("last student-records import"),
        max_length=12,
        choices=RecordsStatus.choices,
        blank=True,
        editable=False,
    )

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")

    def __str__(self):
        return self.number

    @property
    def personal_info_frozen(self) -> bool:
        return self.personal_info_frozen_at is not None

    def records_values(self, section: str) -> dict:
        """The values of a section as last imported from the student records."""
        return self.imported_fields.get(str(section), {})

    def locked_fields(self, section: str) -> set[str]:
        """Fields of a section the candidate cannot change: those imported from the records,
        in the sections the records are authoritative for."""
        if section not in RECORDS_LOCKED_SECTIONS:
            return set()
        return set(self.records_values(section))


def stored_value(value):
    """A field's value as kept in ``Dossier.imported_fields`` (JSON), so that what the
    candidate sees now can be compared with what was imported."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, int | bool | str):
        return value
    return str(value)  # Country, PhoneNumber


class PersonalInfo(models.Model):
    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="personal_info")
    civility = models.CharField(_("civility"), max_length=3, choices=Civility.choices)
    birth_name = models.CharField(_("birth name"), max_length=150)
    usage_name = models.CharField(_("usage name"), max_length=150, blank=True)
    first_names = models.CharField(_("first names"), max_length=150)
    birth_date = models.DateField(_("birth date"))
    birth_country = CountryField(_("birth country"))
    birth_commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("birth commune"),
    )
    birth_town = models.CharField(_("birth town (abroad)"), max_length=100, blank=True)
    nationality = CountryField(_("nationality"))
    ine = models.CharField(_("INE / BEA"), max_length=11, blank=True)
    phone = PhoneNumberField(_("phone"))
    mobile_phone = PhoneNumberField(_("mobile phone"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("personal information")
        verbose_name_plural = _("personal information")
        constraints = [
            # One INE, one candidate: a second account would split a person's applications.
            models.UniqueConstraint(
                fields=["ine"], condition=~Q(ine=""), name="personal_info_unique_ine"
            )
        ]

    def __str__(self):
        return f"{self.first_names} {self.usage_name or self.birth_name}"


class Address(models.Model):
    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="address")
    country = CountryField(_("country"), default="FR")
    line1 = models.CharField(_("address line 1"), max_length=150)
    line2 = models.CharField(_("address line 2"), max_length=150, blank=True)
    line3 = models.CharField(_("address line 3"), max_length=150, blank=True)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    town = models.CharField(_("town (abroad)"), max_length=100, blank=True)
    foreign_postal_code = models.CharField(_("postal code (abroad)"), max_length=20, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self):
        return ", ".join(filter(None, [self.line1, str(self.commune or self.town)]))


class BacKind(models.TextChoices):
    FRENCH = "french", _("French baccalauréat")
    EQUIVALENT = "equivalent", _("Foreign diploma or equivalent")
    NONE = "none", _("No baccalauréat")


class Baccalaureate(models.Model):
    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="baccalaureate")
    kind = models.CharField(_("your situation"), max_length=12, choices=BacKind.choices)
    year = models.PositiveSmallIntegerField(_("year obtained"), null=True, blank=True)
    series = models.ForeignKey(
        BacSeries,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("series or type"),
    )
    specialities = models.CharField(_("specialities"), max_length=200, blank=True)
    mention = models.ForeignKey(
        BacMention,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mention"),
    )
    diploma_title = models.CharField(_("title of the diploma"), max_length=200, blank=True)
    school = models.CharField(_("school"), max_length=200, blank=True)
    school_country = CountryField(_("country of the school"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("baccalauréat")
        verbose_name_plural = _("baccalauréats")

    def __str__(self):
        return f"{self.get_kind_display()} {self.year or ''}".strip()


class InternalCursus(models.Model):
    """A year at this university, written by the student-records import, never by the
    candidate."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="internal_cursus")
    year = models.PositiveSmallIntegerField(_("academic year"))
    programme_code = models.CharField(_("programme code"), max_length=30)
    programme_title = models.CharField(_("programme"), max_length=200)
    result = models.CharField(_("result"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("internal cursus")
        verbose_name_plural = _("internal cursus")
        ordering = ["-year", "pk"]

    def __str__(self):
        return f"{self.year} {self.programme_title}"


class Obtained(models.TextChoices):
    YES = "yes", _("Obtained")
    NO = "no", _("Not obtained")
    IN_PROGRESS = "in_progress", _("In progress")


class Level(models.TextChoices):
    BAC_1 = "bac+1", _("Bac + 1")
    BAC_2 = "bac+2", _("Bac + 2")
    BAC_3 = "bac+3", _("Bac + 3")
    BAC_4 = "bac+4", _("Bac + 4")
    BAC_5 = "bac+5", _("Bac + 5")
    BAC_8 = "bac+8", _("Bac + 8 (doctorate)")
    OTHER = "other", _("Other")


class ExternalCursus(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="external_cursus")
    year = models.PositiveSmallIntegerField(_("year"))
    institution = models.CharField(_("institution"), max_length=200)
    country = CountryField(_("country"), default="FR")
    diploma = models.CharField(_("diploma"), max_length=200)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    obtained = models.CharField(_("obtained"), max_length=12, choices=Obtained.choices)
    mention = models.ForeignKey(
        BacMention,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mention"),
    )

    class Meta:
        verbose_name = _("external cursus")
        verbose_name_plural = _("external cursus")
        ordering = ["-year", "pk"]

    def __str__(self):
        return f"{self.year} {self.diploma}"


class Internship(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="internships")
    year = models.PositiveSmallIntegerField(_("year"))
    organisation = models.CharField(_("organisation"), max_length=200)
    duration_weeks = models.PositiveSmallIntegerField(_("duration (weeks)"))
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"))
    description = models.TextField(_("description"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("internship")
        verbose_name_plural = _("internships")
        ordering = ["-year", "pk"]

    def __str__(self):
        return f"{self.year} {self.organisation}"


class WorkTime(models.TextChoices):
    FULL = "full", _("Full time")
    PART = "part", _("Part time")


class Experience(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="experiences")
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    employer = models.CharField(_("employer"), max_length=200)
    position = models.CharField(_("position"), max_length=200)
    work_time = models.CharField(_("working time"), max_length=4, choices=WorkTime.choices)
    description = models.TextField(_("description"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("professional experience")
        verbose_name_plural = _("professional experience")
        ordering = ["-start_date", "pk"]

    def __str__(self):
        return f"{self.start_date:%Y} {self.position}"
