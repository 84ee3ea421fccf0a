"""The pedagogical commissions: who sits on them (one or more presidents), which programmes
they examine, their members' opinions, what a decision says besides its kind (the interview of
a preselection, the reason of a refusal), the admin-editable list of reasons, and the
admission letter's text per centre, overridable per programme.

``candidatures`` does not import this app: ``Candidature.objects.for_reviewer`` filters through
the reverse names given here (``Programme.commissions``, ``Commission.memberships``)."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from candidatures.models import Candidature, Centre, Programme

LETTERS_PREFIX = "letters/"
MAX_SCORE = 20


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


class CommissionQuerySet(models.QuerySet):
    def for_staff(self, user):
        """The commissions of the centres ``user`` manages (the admin's scope)."""
        return self.filter(centre__in=Centre.objects.for_staff(user))

    def of_member(self, user):
        return self.filter(memberships__user=user).distinct()


class Commission(models.Model):
    name = models.CharField(_("name"), max_length=150)
    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="commissions", verbose_name=_("centre")
    )
    programmes = models.ManyToManyField(
        Programme,
        related_name="commissions",
        blank=True,
        verbose_name=_("programmes examined"),
        help_text=_("Programmes of the commission's centre."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CommissionMember",
        related_name="commissions",
        verbose_name=_("members"),
    )

    objects = CommissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("commission")
        verbose_name_plural = _("commissions")
        ordering = ["centre__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="commission_unique_name")
        ]

    def __str__(self):
        return self.name


class CommissionMember(models.Model):
    commission = models.ForeignKey(
        Commission,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("commission"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="commission_memberships",
        verbose_name=_("member"),
    )
    is_president = models.BooleanField(
        _("president"),
        default=False,
        help_text=_("A president publishes the commission's decisions."),
    )

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["commission", "user"], name="commission_member_once")
        ]

    def __str__(self):
        return f"{self.user} ({self.commission})"


class UnfavourableReason(models.Model):
    """A reason a commission gives with an unfavourable decision; the candidate reads it in
    their language."""

    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    is_active = models.BooleanField(
        _("offered"), default=True, help_text=_("Unticked: kept on past decisions, not offered.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("reason for an unfavourable decision")
        verbose_name_plural = _("reasons for an unfavourable decision")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if _english() else self.label_fr


class Opinion(models.Model):
    """One member's opinion on one application: read by the commission only."""

    candidature = models.ForeignKey(
        Candidature,
        on_delete=models.CASCADE,
        related_name="commission_opinions",
        verbose_name=_("application"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="commission_opinions",
        verbose_name=_("member"),
    )
    score = models.PositiveSmallIntegerField(
        _("score (out of 20)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_SCORE)],
    )
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["updated_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["candidature", "author"], name="opinion_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=MAX_SCORE), name="opinion_score"
            ),
        ]

    def __str__(self):
        return f"{self.author} → {self.candidature_id}: {self.score}"


class DecisionDetail(models.Model):
    """What the commission's decision says besides its kind (the kind itself and the rank are
    the application's, written by the workflow)."""

    candidature = models.OneToOneField(
        Candidature,
        on_delete=models.CASCADE,
        related_name="decision_detail",
        verbose_name=_("application"),
    )
    interview_at = models.DateTimeField(_("interview date and time"), null=True, blank=True)
    interview_place = models.CharField(_("interview place"), max_length=255, blank=True)
    reason = models.ForeignKey(
        UnfavourableReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reason"),
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("decision detail")
        verbose_name_plural = _("decision details")

    def __str__(self):
        return str(self.candidature_id)


class AdmissionLetter(models.Model):
    """The admission letter's text and signature for a centre's programmes, or for one
    programme (which wins over its centre's)."""

    centre = models.OneToOneField(
        Centre,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="admission_letter",
        verbose_name=_("centre"),
    )
    programme = models.OneToOneField(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="admission_letter",
        verbose_name=_("programme"),
    )
    body_fr = models.TextField(
        _("text (French)"),
        help_text=_(
            "Paragraphs separated by an empty line. May use {candidate}, {programme}, "
            "{code}, {centre}."
        ),
    )
    body_en = models.TextField(_("text (English)"))
    signatory_name = models.CharField(_("signatory"), max_length=150, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=200, blank=True)
    signature = models.ImageField(
        _("signature image"),
        upload_to=LETTERS_PREFIX,
        blank=True,
        help_text=_("PNG or JPEG, at most 500 KB."),
    )

    class Meta:
        verbose_name = _("admission letter")
        verbose_name_plural = _("admission letters")
        constraints = [
            models.CheckConstraint(
                condition=Q(centre__isnull=True) ^ Q(programme__isnull=True),
                name="admission_letter_centre_xor_programme",
                violation_error_message=_("Give either a centre or a programme."),
            )
        ]

    def __str__(self):
        return str(self.programme or self.centre)

    @property
    def body(self) -> str:
        return self.body_en if _english() else self.body_fr
