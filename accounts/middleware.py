"""Remembers the language a signed-in person last used, so that every mail sent to them later
(decisions, reminders, sent by workers with no request) is in that language."""

from .services import user_remember_language


class RememberLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # After the view: the language switch and the sign-in itself have had their say.
        user = getattr(request, "user", None)
        language = (getattr(request, "LANGUAGE_CODE", "") or "")[:2]
        if user is not None and user.is_authenticated and language and user.language != language:
            user_remember_language(user=user, language=language)
        return response
