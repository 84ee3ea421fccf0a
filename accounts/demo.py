"""Demo accounts: a staff user and activated candidates. Idempotent."""

from allauth.account.models import EmailAddress
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


def populate():
    """Returns the logins to print."""
    staff = _ensure(STAFF[0], STAFF[1], is_staff=True, is_superuser=True, first_name="Gestion")
    lines = [f"superuser (every right; MFA off in the demo): {staff.email} / {STAFF[1]}"]
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
