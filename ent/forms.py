"""Forms of the ENT app: the password that proves an account before an ENT identity is linked
to it, and the sign-up of a former student with their INE."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import SignupForm
from dossiers.forms import check_ine


class LinkForm(forms.Form):
    password = forms.CharField(
        label=_("Password of your ecandidat account"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class IneSignupForm(SignupForm):
    """The sign-up form with the INE, checked by its format and key as in the dossier."""

    ine = forms.CharField(
        label=_("INE"),
        max_length=20,
        help_text=_(
            "Eleven characters, on your former transcripts or your student card. With your "
            "birth date, it lets us find your student record."
        ),
    )

    field_order = [*SignupForm.field_order[:4], "ine", *SignupForm.field_order[4:]]

    def clean_ine(self):
        # The dossier form's own check (format and key), so both say the same thing.
        value = check_ine(self.cleaned_data["ine"])
        if not value:
            raise forms.ValidationError(_("Enter your INE."))
        return value
