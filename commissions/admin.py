"""Staff screens: commissions (members and presidents, programmes), the reasons offered with an
unfavourable decision, and the admission letters. Scoped like the rest of the back office: a
centre's staff see and edit the commissions and letters of their centres only; the list of
reasons is shared, edited by central administrators."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from candidatures.models import Centre, Programme
from ecandidat.scoping import sees_all_centres

from .models import AdmissionLetter, Commission, CommissionMember, UnfavourableReason

MAX_SIGNATURE_BYTES = 500 * 1024


class CommissionMemberInline(admin.TabularInline):
    model = CommissionMember
    extra = 1
    raw_id_fields = ["user"]
    min_num = 1


class CommissionMemberFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        presidents = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("is_president")
        ]
        if not presidents:
            raise ValidationError(_("A commission needs at least one president."))


CommissionMemberInline.formset = CommissionMemberFormSet


class ScopedToCentres:
    """Only the user's centres, and only their programmes, in the lists and the choices."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(self.centre_filter(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "centre":
            kwargs["queryset"] = Centre.objects.for_staff(request.user)
        if db_field.name == "programme":
            kwargs["queryset"] = Programme.objects.for_staff(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CommissionForm(forms.ModelForm):
    class Meta:
        model = Commission
        fields = ["name", "centre", "programmes"]

    def clean(self):
        data = super().clean()
        centre, programmes = data.get("centre"), data.get("programmes")
        if centre and programmes:
            others = [str(p) for p in programmes if p.centre_id != centre.pk]
            if others:
                self.add_error(
                    "programmes",
                    _("These programmes are not the centre's: %(list)s.")
                    % {"list": ", ".join(others)},
                )
        return data


@admin.register(Commission)
class CommissionAdmin(ScopedToCentres, admin.ModelAdmin):
    form = CommissionForm
    list_display = ["name", "centre"]
    list_filter = ["centre"]
    list_select_related = ["centre"]
    search_fields = ["name"]
    filter_horizontal = ["programmes"]
    inlines = [CommissionMemberInline]

    def centre_filter(self, request):
        return Q(centre__in=Centre.objects.for_staff(request.user))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "programmes":
            kwargs["queryset"] = Programme.objects.for_staff(request.user).select_related("centre")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(UnfavourableReason)
class UnfavourableReasonAdmin(admin.ModelAdmin):
    list_display = ["label_fr", "label_en", "is_active", "order"]
    list_editable = ["is_active", "order"]

    def has_add_permission(self, request):
        return sees_all_centres(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return sees_all_centres(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # kept on past decisions: untick "offered" instead


class AdmissionLetterForm(forms.ModelForm):
    class Meta:
        model = AdmissionLetter
        fields = [
            "centre",
            "programme",
            "body_fr",
            "body_en",
            "signatory_name",
            "signatory_title",
            "signature",
        ]

    def clean_signature(self):
        image = self.cleaned_data.get("signature")
        if image and getattr(image, "size", 0) > MAX_SIGNATURE_BYTES:
            raise ValidationError(_("The signature image is larger than 500 KB."))
        content_type = getattr(getattr(image, "image", None), "format", None)
        if image and hasattr(image, "image") and content_type not in ("PNG", "JPEG"):
            raise ValidationError(_("Choose a PNG or JPEG image."))
        return image


@admin.register(AdmissionLetter)
class AdmissionLetterAdmin(ScopedToCentres, admin.ModelAdmin):
    form = AdmissionLetterForm
    list_display = ["__str__", "signatory_name"]
    list_select_related = ["centre", "programme"]

    def centre_filter(self, request):
        centres = Centre.objects.for_staff(request.user)
        return Q(centre__in=centres) | Q(programme__centre__in=centres)
