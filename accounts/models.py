"""Accounts: the user (email login, candidate number) and the register of issued numbers."""

import secrets

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# No 0/O or 1/I: candidates read their number aloud on the phone and type it from paper.
CANDIDATE_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CANDIDATE_NUMBER_LENGTH = 8


class IssuedCandidateNumber(models.Model):
    """Every candidate number ever given out. Rows are never deleted (no foreign key to the
    user), so a number stays unique even after its account was purged: never reused."""

    number = models.CharField(max_length=CANDIDATE_NUMBER_LENGTH, unique=True)
    issued_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.number


def issue_candidate_number() -> str:
    """Draws random numbers until one was never issued (40 bits: collisions are rare)."""
    while True:
        number = "".join(
            secrets.choice(CANDIDATE_NUMBER_ALPHABET) for _ in range(CANDIDATE_NUMBER_LENGTH)
        )
        try:
            with transaction.atomic():
                IssuedCandidateNumber.objects.create(number=number)
        except IntegrityError:
            continue
        return number


class Civility(models.TextChoices):
    MADAME = "mme", _("Ms")
    MONSIEUR = "m", _("Mr")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("An email address is required")
        fields.setdefault("candidate_number", issue_candidate_number())
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        """``manage.py createsuperuser``: the operator types the address on the server, so it
        is recorded as verified (allauth refuses to sign in an address it has not seen
        verified: the first staff account could not sign in at all)."""
        from allauth.account.models import EmailAddress

        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("activated_at", timezone.now())
        with transaction.atomic(using=self._db):
            user = self._create_user(email, password, **fields)
            EmailAddress.objects.using(self._db).create(
                user=user, email=user.email, verified=True, primary=True
            )
        return user


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: candidate or staff. The email is the login; the candidate number
    is a second login and the identifier printed on every mail and page."""

    email = models.EmailField(_("email address"), max_length=254)
    candidate_number = models.CharField(
        _("candidate number"), max_length=CANDIDATE_NUMBER_LENGTH, unique=True, editable=False
    )
    civility = models.CharField(_("civility"), max_length=3, choices=Civility.choices, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]
        indexes = [models.Index(fields=["activated_at", "date_joined"])]

    def __str__(self):
        return f"{self.candidate_number} {self.get_full_name() or self.email}"

    def save(self, *args, **kwargs):
        # One spelling per address, so the case-insensitive unique constraint and lookups agree.
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self):
        return f"{self.first_name} {self.last_name.upper()}".strip()

    def get_short_name(self):
        return self.first_name

    @property
    def activation_deadline(self):
        return self.date_joined + settings.ACCOUNT_ACTIVATION_PERIOD

    def activation_expired(self, now=None) -> bool:
        return self.activated_at is None and (now or timezone.now()) >= self.activation_deadline
