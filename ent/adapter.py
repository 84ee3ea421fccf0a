"""allauth's account adapter, with what the ENT adds to it: signing out of a session opened
through the CAS server or the OpenID Connect provider signs out of it too (then comes back
here)."""

from accounts.adapter import AccountAdapter

from .casauth import cas_logout_url
from .oidc import oidc_logout_url


class EntAccountAdapter(AccountAdapter):
    def get_logout_redirect_url(self, request):
        url = super().get_logout_redirect_url(request)
        return cas_logout_url(request, url) or oidc_logout_url(request, url) or url
