"""Authentication: allauth's backend, with the same cost for every attempt."""

from allauth.account.auth_backends import AuthenticationBackend


class AccountBackend(AuthenticationBackend):
    """One password hash per attempt, whether the login names an account or not.

    allauth receives an email login as both ``username`` and ``email`` and checked the password
    of an existing account twice, while an unknown login costs one dummy hash: a wrong password
    on a real account answered a hash later. Each account's password is checked once here.
    """

    def authenticate(self, request, **credentials):
        self._checked = set()
        return super().authenticate(request, **credentials)

    def _check_password(self, user, password):
        if user is None or user.pk in self._checked:
            return None
        self._checked.add(user.pk)
        return super()._check_password(user, password)
