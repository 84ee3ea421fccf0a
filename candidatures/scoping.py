"""Who may use the back office, and over which centres. One rule for every staff door (the
admin, file downloads, exports, the workflow's actor guard): an active staff account, with its
TOTP authenticator when ``STAFF_MFA_REQUIRED`` is on; central administrators (the
``candidatures.manage_all_centres`` permission, given through the « Scolarité centrale »
group) over every centre, centre staff over the centres they are named on.

The querysets themselves are ``Centre/Programme/Candidature.objects.for_staff(user)``; the
answers here are cached on the user object, which lives for one request."""

from django.conf import settings

MANAGE_ALL_CENTRES = "candidatures.manage_all_centres"


def has_totp(user) -> bool:
    if not hasattr(user, "_ecandidat_has_totp"):
        from allauth.mfa.models import Authenticator

        user._ecandidat_has_totp = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).exists()
    return user._ecandidat_has_totp


def backoffice_user(user) -> bool:
    """May ``user`` pass any staff door at all?"""
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    return not settings.STAFF_MFA_REQUIRED or has_totp(user)


def sees_all_centres(user) -> bool:
    return backoffice_user(user) and user.has_perm(MANAGE_ALL_CENTRES)
