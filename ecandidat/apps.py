"""Project-level app configs."""

from django.contrib.admin.apps import AdminConfig


class EcandidatAdminConfig(AdminConfig):
    """Installs our AdminSite: sign-in goes through allauth, MFA is enforced for staff."""

    default_site = "ecandidat.admin_site.EcandidatAdminSite"
