"""Functions one app answers for another that may not import it (the dependency arrows point
the other way: ``candidatures ← pieces``). The caller names the provider by its dotted path
where it uses it, so a reader follows the wiring from the caller's module; the provider is
imported on first use, and the system check below imports every hook at start-up (and in
``manage.py check``, which CI runs), so a missing or renamed provider fails loudly instead of
answering nothing.
"""

from django.core import checks
from django.utils.module_loading import import_string

_hooks: list["Hook"] = []


class Hook:
    def __init__(self, path: str, *, purpose: str):
        self.path = path
        self.purpose = purpose
        self._function = None
        _hooks.append(self)

    @property
    def function(self):
        if self._function is None:
            self._function = import_string(self.path)
        return self._function

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)

    def __repr__(self):
        return f"Hook({self.path!r})"


@checks.register()
def check_hooks(app_configs=None, **kwargs):
    errors = []
    for hook in _hooks:
        try:
            function = hook.function
        except ImportError as error:
            errors.append(
                checks.Error(
                    f"Hook {hook.path} ({hook.purpose}) cannot be imported: {error}",
                    id="ecandidat.E001",
                )
            )
            continue
        if not callable(function):
            errors.append(checks.Error(f"Hook {hook.path} is not callable", id="ecandidat.E002"))
    return errors
