"""Staff's views of mail: the outbox (filters, "send again") and the template overrides
(variables and a preview)."""

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.template import TemplateSyntaxError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.services import audit_record
from ecandidat.scoping import CentralOnlyAdmin, StaffScopedAdmin, sees_all_centres

from .events import sample_context, variables
from .models import MailTemplate, Outbox, OutboxAttachment
from .rendering import render_templates
from .services import outbox_send_again


class OutboxAttachmentInline(admin.TabularInline):
    model = OutboxAttachment
    fields = ["filename", "mimetype"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Outbox)
class OutboxAdmin(CentralOnlyAdmin, admin.ModelAdmin):
    """Every candidate's mails: for the central administration only."""

    list_display = ["created_at", "event", "to_address", "status", "attempts", "sent_at"]
    list_filter = ["status", "event", "language", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["to_address", "recipient__candidate_number", "subject", "object_key"]
    list_select_related = False
    date_hierarchy = "created_at"
    actions = ["send_again"]
    inlines = [OutboxAttachmentInline]
    exclude = ["recipient"]
    readonly_fields = [
        "event",
        "object_key",
        "idempotency_key",
        "recipient_link",
        "to_address",
        "cc",
        "language",
        "message_id",
        "subject",
        "body_text",
        "status",
        "attempts",
        "next_attempt_at",
        "queued_at",
        "lease_until",
        "sent_at",
        "smtp_response",
        "last_error",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("recipient"))
    def recipient_link(self, obj):
        return str(obj.recipient) if obj.recipient_id else "-"

    def has_send_permission(self, request):
        # Rows are read-only in the admin; the right to change them is the right to resend.
        return request.user.has_perm("notifications.change_outbox")

    @admin.action(description=_("Send again"), permissions=["send"])
    def send_again(self, request, queryset):
        count = outbox_send_again(
            outbox_ids=queryset.values_list("pk", flat=True), actor=request.user
        )
        skipped = queryset.count() - count
        self.message_user(
            request,
            ngettext("%(count)d mail queued again.", "%(count)d mails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                _("%(count)d mail(s) being sent right now were left alone.") % {"count": skipped},
                messages.WARNING,
            )

    def get_queryset(self, request):
        return super().get_queryset(request).defer("body_html")


class MailTemplateForm(forms.ModelForm):
    class Meta:
        model = MailTemplate
        fields = ["event", "language", "centre", "subject", "body_text", "body_html", "is_active"]

    def clean(self):
        data = super().clean()
        event, language = data.get("event"), data.get("language")
        if event and language and not self.errors:
            try:
                render_templates(
                    subject=data.get("subject", ""),
                    body_text=data.get("body_text", ""),
                    body_html=data.get("body_html", ""),
                    context=sample_context(event),
                    language=language,
                )
            except TemplateSyntaxError as exc:
                raise forms.ValidationError(
                    _("This template cannot be rendered: %(error)s"), params={"error": exc}
                ) from exc
        return data


@admin.register(MailTemplate)
class MailTemplateAdmin(StaffScopedAdmin, admin.ModelAdmin):
    """A centre's staff edit their centre's versions; the general ones (no centre) are the
    central administration's. Every save is audited with the text before and after."""

    form = MailTemplateForm
    list_display = ["event", "language", "centre", "is_active", "updated_at"]
    list_filter = ["event", "language", ("centre", admin.EmptyFieldListFilter), "is_active"]
    readonly_fields = ["variable_list", "preview"]
    fieldsets = [
        (None, {"fields": ["event", "language", "centre", "is_active"]}),
        (
            _("Mail"),
            {
                "fields": ["subject", "body_text", "body_html", "variable_list"],
                "description": _(
                    "Write the text between the greeting and the footer (candidate number, "
                    "Messages page, spam advice), which are added around it."
                ),
            },
        ),
        (_("Preview with sample values (after saving)"), {"fields": ["preview"]}),
    ]

    def scope(self, request, queryset):
        if sees_all_centres(request.user):
            return queryset
        centres = apps.get_model(settings.NOTIFICATIONS_CENTRE_MODEL).objects.for_staff(
            request.user
        )
        return queryset.filter(centre__in=centres)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not sees_all_centres(request.user):
            form.base_fields["centre"].required = True  # a general version is not theirs
        return form

    def save_model(self, request, obj, form, change):
        fields = ["event", "language", "subject", "body_text", "body_html", "is_active"]
        before = {}
        if change:
            previous = MailTemplate.objects.get(pk=obj.pk)
            before = {name: getattr(previous, name) for name in fields}
            before["centre"] = previous.centre_id
        super().save_model(request, obj, form, change)
        after = {name: getattr(obj, name) for name in fields}
        after["centre"] = obj.centre_id
        audit_record(
            actor=request.user,
            action="mail_template.change" if change else "mail_template.add",
            obj=obj,
            before=before,
            after=after,
        )

    @admin.display(description=_("variables"))
    def variable_list(self, obj):
        if obj is None or not obj.event:
            return _("Save once to see the variables of the chosen event.")
        return format_html_join(
            ", ", "<code>{{{{ {} }}}}</code>", ((v,) for v in variables(obj.event))
        )

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if obj is None or not obj.pk:
            return "-"
        try:
            rendered = render_templates(
                subject=obj.subject,
                body_text=obj.body_text,
                body_html=obj.body_html,
                context=sample_context(obj.event),
                language=obj.language,
            )
        except TemplateSyntaxError as exc:
            return str(exc)
        return format_html(
            "<p><strong>{}</strong></p><pre style='white-space:pre-wrap'>{}</pre>",
            rendered.subject,
            rendered.body_text,
        )
