"""Request guards every page shares: a NUL byte in the query string is refused before any view
sees it, and nothing a signed-in person sees is kept by a browser or proxy cache."""

from django.core.exceptions import SuspiciousOperation


class NulInQuery(SuspiciousOperation):
    """PostgreSQL cannot store or compare text holding NUL (it raises DataError): such a
    parameter never comes from our pages, so the request gets the 400 page."""


class RefuseNulInQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise NulInQuery("NUL byte in a query parameter")
        return self.get_response(request)


class NoStoreWhenSignedInMiddleware:
    """Cache-Control: no-store on every response to a signed-in user (dossier pages, messages,
    the admission letter...): a shared computer's back button or a proxy must not show them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        return response
