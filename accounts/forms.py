"""Account forms: sign-up with the identity the guide asks for, and the login field label."""

import datetime

from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Civility
from .validators import validate_person_name


class SignupForm(AllauthSignupForm):
    civility = forms.ChoiceField(
        label=_("Civility"), choices=Civility.choices, widget=forms.RadioSelect
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, validators=[validate_person_name]
    )
    first_name = forms.CharField(
        label=_("First name"), max_length=150, validators=[validate_person_name]
    )
    birth_date = forms.DateField(
        label=_("Birth date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Format: DD/MM/YYYY"),
    )

    field_order = [
        "civility",
        "last_name",
        "first_name",
        "birth_date",
        "email",
        "email2",
        "password1",
        "password2",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # allauth's "Courriel" beside "E-mail (confirmation)": one wording for both.
        self.fields["email"].label = _("Email address")
        self.fields["email2"].label = _("Email address (confirmation)")
        for name in ("email", "email2"):
            self.fields[name].widget.attrs["placeholder"] = ""

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if birth_date > today - datetime.timedelta(days=365 * 14):
            raise forms.ValidationError(_("This birth date is not plausible: please check it."))
        if birth_date.year < 1900:
            raise forms.ValidationError(_("This birth date is not plausible: please check it."))
        return birth_date

    def try_save(self, request):
        # A new account costs a password hash; an address already known costs none in allauth,
        # so the answer came ~0.25 s sooner and told which addresses have an account. Hash the
        # password on that path too (and throw it away): bench/account_timing.py measures both.
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()


# An email is at most 254 characters (RFC 5321) and a candidate number far less. Anything longer
# is refused by the form before any lookup: SQLite fails on a LIKE pattern above 50,000 bytes.
LOGIN_MAX_LENGTH = 254


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].max_length = LOGIN_MAX_LENGTH
        self.fields["login"].validators.append(MaxLengthValidator(LOGIN_MAX_LENGTH))
        self.fields["login"].widget.attrs["maxlength"] = str(LOGIN_MAX_LENGTH)
        self.fields["login"].label = _("Email or candidate number")
        self.fields["login"].widget.attrs["placeholder"] = ""
        self.fields["login"].widget.attrs["autocomplete"] = "username"


class ResendActivationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))


class AddEmailForm(AllauthAddEmailForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("New email address")
        self.fields["email"].widget.attrs.update(placeholder="", autocomplete="email")
