"""The base of every app's typed domain errors: a translated ``message`` a view can show as is."""


class DomainError(Exception):
    default_message = ""

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))
