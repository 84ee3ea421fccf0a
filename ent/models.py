"""ENT identities (CAS) linked to accounts and the INE given at sign-up. Every student-records
import is an ``audit.AuditEntry`` (action ``records_import``) on the dossier.

OpenID Connect identities are allauth's ``SocialAccount`` rows; CAS ones are ``EntIdentity``
rows. Either way an account is found by the identity provider's identifier, never by email.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EntIdentity(models.Model):
    provider = models.CharField(_("identity provider"), max_length=30)
    uid = models.CharField(_("identifier at the provider"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="ent_identities",
        verbose_name=_("account"),
    )
    student_number = models.CharField(_("student number"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("linked at"), default=timezone.now)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("ENT identity")
        verbose_name_plural = _("ENT identities")
        constraints = [
            models.UniqueConstraint(fields=["provider", "uid"], name="ent_identity_unique_uid")
        ]

    def __str__(self):
        return f"{self.provider}:{self.uid}"


class IneClaim(models.Model):
    """The INE and birth date given at sign-up by a former student without ENT access: the
    records are looked up with them once the account is activated."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ine_claim"
    )
    ine = models.CharField(_("INE"), max_length=11)
    birth_date = models.DateField(_("birth date"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("INE given at sign-up")
        verbose_name_plural = _("INEs given at sign-up")

    def __str__(self):
        return self.ine


class ImportSource(models.TextChoices):
    CAS = "cas", _("ENT sign-in (CAS)")
    OIDC = "oidc", _("ENT sign-in (OpenID Connect)")
    INE = "ine", _("activation of an account created with the INE")
    RETRY = "retry", _("sign-in after a failed import")


class ImportOutcome(models.TextChoices):
    IMPORTED = "imported", _("imported")
    UNCHANGED = "unchanged", _("nothing changed")
    NOT_FOUND = "not_found", _("no matching record")
    UNAVAILABLE = "unavailable", _("records unavailable")
    INE_TAKEN = "ine_taken", _("INE already in another dossier")
    NOT_CONFIGURED = "not_configured", _("no student-records system configured")
