"""allauth's account adapter, with what the ENT adds to it: signing out of a session opened
through the CAS server signs out of the CAS server too (then comes back here)."""

from accounts.adapter import AccountAdapter

from .casauth import cas_logout_url


class EntAccountAdapter(AccountAdapter):
    def get_logout_redirect_url(self, request):
        url = super().get_logout_redirect_url(request)
        return cas_logout_url(request, url) or url
