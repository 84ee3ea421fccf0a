"""The outbox (one row per mail, rendered when it was asked for) and staff's template overrides."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .events import Event


class Status(models.TextChoices):
    PENDING = "pending", _("pending")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class Outbox(models.Model):
    """A mail to send, written in the transaction of the change it reports.

    Subject and bodies are rendered when the row is written, so the Messages page shows exactly
    what was sent. ``idempotency_key`` (event, object, address) is unique: asking twice for the
    same mail gives the same row. ``lease_until`` bounds how long a worker may hold a row in
    ``sending``; past it, the sweep hands the row to another worker.
    """

    event = models.CharField(_("event"), max_length=64, choices=Event.choices)
    object_key = models.CharField(_("object"), max_length=200)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    # A purged account's mails go with it.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mails",
    )
    to_address = models.EmailField(_("to"), max_length=254)
    cc = models.JSONField(_("copy to"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=8)
    message_id = models.CharField(_("Message-ID"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)

    status = models.CharField(
        _("delivery status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    queued_at = models.DateTimeField(_("last queued at"), null=True, blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    smtp_response = models.TextField(_("SMTP answer"), blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The sweep's two questions, each on a small partial index.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="outbox_pending_due",
            ),
            models.Index(
                fields=["lease_until"],
                condition=Q(status="sending"),
                name="outbox_sending_lease",
            ),
            models.Index(fields=["recipient", "-created_at"], name="outbox_recipient_recent"),
        ]

    def __str__(self):
        return f"{self.get_event_display()} → {self.to_address}"


class OutboxAttachment(models.Model):
    """A file sent with a mail (the admission letter). Kept with the row so a retry, days
    later, sends the same bytes."""

    outbox = models.ForeignKey(Outbox, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=255)
    mimetype = models.CharField(_("type"), max_length=100)
    content = models.BinaryField(_("content"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.filename


class MailTemplate(models.Model):
    """Staff's version of one event's mail in one language, used instead of the shipped one:
    for one centre, or for every centre when ``centre`` is empty. A centre's version wins over
    the general one.

    The centre model is named by a setting (NOTIFICATIONS_CENTRE_MODEL), the way auth names its
    user model: this app stays free of imports from the apps that call it.
    """

    event = models.CharField(_("event"), max_length=64, choices=Event.choices)
    centre = models.ForeignKey(
        settings.NOTIFICATIONS_CENTRE_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("centre"),
        help_text=_("Empty: for every centre without its own version."),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(
        _("subject"), max_length=255, help_text=_("Django template syntax: {{ variable }}.")
    )
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(
        _("HTML body"),
        blank=True,
        help_text=_("Leave empty to build it from the text body."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")
        ordering = ["event", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "language"],
                condition=Q(centre__isnull=True),
                name="mailtemplate_event_language_unique",
            ),
            models.UniqueConstraint(
                fields=["event", "language", "centre"],
                condition=Q(centre__isnull=False),
                name="mailtemplate_event_language_centre_unique",
            ),
        ]

    def __str__(self):
        scope = f", {self.centre}" if self.centre_id else ""
        return f"{self.get_event_display()} ({self.language}{scope})"
