"""Values every page needs: the institution's name and contact."""

from django.conf import settings


def institution(request):
    return {
        "INSTITUTION_NAME": settings.INSTITUTION_NAME,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
    }
