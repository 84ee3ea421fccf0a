"""An HTTP session with a default timeout (light module: the settings name it)."""

import requests
from django.conf import settings


class TimeoutSession(requests.Session):
    """The session python-cas validates tickets with (``CAS_SESSION_FACTORY``): a hanging CAS
    server cannot hold a web worker past ``ENT_CAS_TIMEOUT`` seconds."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", settings.ENT_CAS_TIMEOUT)
        return super().request(*args, **kwargs)
