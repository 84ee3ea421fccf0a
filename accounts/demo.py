"""Demo accounts: a staff user and activated candidates. Idempotent."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone

from .models import User

STAFF = ("gestionnaire@demo.ecandidat.localhost", "demo-gestionnaire-2026")
CANDIDATES = [
    ("camille.martin@demo.ecandidat.localhost", "Camille", "Martin", "mme", "1998-04-12"),
    ("karim.benali@demo.ecandidat.localhost", "Karim", "Benali", "m", "1985-11-03"),
    ("lea.dubois@demo.ecandidat.localhost", "Léa", "Dubois", "mme", "2004-06-27"),
]
CANDIDATE_PASSWORD = "demo-candidat-2026"  # noqa: S105 (public demo login)


def _ensure(email, password, **fields):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, password, activated_at=timezone.now(), **fields)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def authenticator(user) -> str:
    """What to print after a staff or reviewer login. Where the TOTP authenticator is required
    (production settings), the account gets one now, with a fresh random secret printed once
    for the operator's authenticator app: the demo then acts as staff through the same door
    production opens (``ecandidat.scoping``), and a public demo password alone opens
    nothing (nobody can sign in with it and set up an authenticator of their own)."""
    if not settings.STAFF_MFA_REQUIRED:
        return ""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return " (TOTP authenticator already set up)"
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return f" (TOTP secret {secret})"


def populate():
    """Returns the logins to print."""
    staff = _ensure(STAFF[0], STAFF[1], is_staff=True, is_superuser=True, first_name="Gestion")
    mfa = authenticator(staff) or " (MFA off in the embedded demo)"
    lines = [f"superuser (every right): {staff.email} / {STAFF[1]}{mfa}"]
    for email, first, last, civility, birth in CANDIDATES:
        user = _ensure(
            email,
            CANDIDATE_PASSWORD,
            first_name=first,
            last_name=last,
            civility=civility,
            birth_date=birth,
        )
        lines.append(f"candidate: {user.email} or {user.candidate_number} / {CANDIDATE_PASSWORD}")
    return lines
