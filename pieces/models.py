"""What each programme asks for (piece types, required pieces) and what each candidate sent
(one ``Piece`` per required piece per application). The files themselves are checked by
``pieces.files`` and written by ``services``; nothing here changes a status."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from candidatures.models import Candidature, Centre, Programme

# Every candidate's file lives under this prefix (``sweep_orphan_files`` looks only there).
PIECES_PREFIX = "pieces"
FORMS_PREFIX = "piece-forms"


class PieceType(models.Model):
    """A kind of document in the catalogue (identity document, CV...)."""

    label_fr = models.CharField(_("label (French)"), max_length=150)
    label_en = models.CharField(_("label (English)"), max_length=150)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    blank_form = models.FileField(
        _("blank form"),
        upload_to=FORMS_PREFIX,
        blank=True,
        help_text=_("A form the candidate downloads, fills in and sends back."),
    )
    conditional = models.BooleanField(
        _("conditional"),
        default=False,
        help_text=_("Only some candidates are concerned; the others say so."),
    )
    shared = models.BooleanField(
        _("shared across applications"),
        default=False,
        help_text=_("Sent once, reused by every application of the candidate still in draft."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("piece type")
        verbose_name_plural = _("piece types")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "fr").startswith("en") else self.label_fr

    @property
    def description(self) -> str:
        english = (get_language() or "fr").startswith("en")
        return self.description_en if english else self.description_fr


class RequiredPiece(models.Model):
    """A piece type asked for by one programme, or by every programme of a centre."""

    piece_type = models.ForeignKey(
        PieceType, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("type")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="required_pieces",
        verbose_name=_("programme"),
    )
    centre = models.ForeignKey(
        Centre,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="required_pieces",
        verbose_name=_("centre"),
    )
    conditional = models.BooleanField(
        _("conditional"),
        default=False,
        help_text=_("Conditional here even if the type is not (a conditional type always is)."),
    )

    class Meta:
        verbose_name = _("required piece")
        verbose_name_plural = _("required pieces")
        constraints = [
            models.CheckConstraint(
                condition=Q(programme__isnull=True) ^ Q(centre__isnull=True),
                name="required_piece_programme_xor_centre",
                violation_error_message=_("Choose a programme or a centre, not both."),
            ),
            models.UniqueConstraint(
                fields=["piece_type", "programme"], name="required_piece_unique_programme"
            ),
            models.UniqueConstraint(
                fields=["piece_type", "centre"], name="required_piece_unique_centre"
            ),
        ]

    def __str__(self):
        return f"{self.piece_type} — {self.programme or self.centre}"

    @property
    def is_conditional(self) -> bool:
        return self.conditional or self.piece_type.conditional


class PieceStatus(models.TextChoices):
    MISSING = "missing", _("Missing")
    UPLOADED = "uploaded", _("Sent")
    NOT_CONCERNED = "not_concerned", _("Not concerned")
    VALIDATED = "validated", _("Validated")
    REFUSED = "refused", _("Refused")
    PENDING_SCAN = "pending_scan", _("Being checked")


class PieceQuerySet(models.QuerySet):
    def for_staff(self, user):
        """The pieces of the applications ``user`` reviews (``Candidature.objects.for_staff``)."""
        return self.filter(candidature__in=Candidature.objects.for_staff(user))


class Piece(models.Model):
    """The candidate's document for one required piece of one application. Shared pieces of
    several drafts point to the same stored file: it is deleted once no row names it."""

    candidature = models.ForeignKey(
        Candidature, on_delete=models.CASCADE, related_name="pieces", verbose_name=_("application")
    )
    piece_type = models.ForeignKey(
        PieceType, on_delete=models.PROTECT, related_name="pieces", verbose_name=_("type")
    )
    file = models.FileField(_("file"), upload_to=PIECES_PREFIX, blank=True, max_length=200)
    original_name = models.CharField(_("original name"), max_length=255, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    content_type = models.CharField(_("content type"), max_length=50, blank=True)
    status = models.CharField(
        _("document status"),
        max_length=15,
        choices=PieceStatus.choices,
        default=PieceStatus.MISSING,
    )
    refusal_comment = models.TextField(_("reason for refusal"), blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), null=True, blank=True)
    # The staff's last verdict (``services.piece_validate`` / ``piece_refuse``).
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    objects = PieceQuerySet.as_manager()

    class Meta:
        verbose_name = _("piece")
        verbose_name_plural = _("pieces")
        constraints = [
            models.UniqueConstraint(
                fields=["candidature", "piece_type"], name="piece_one_per_type"
            ),
        ]

    def __str__(self):
        return f"{self.piece_type} ({self.get_status_display()})"
