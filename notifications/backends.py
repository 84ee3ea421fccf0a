"""Embedded-mode mail backend: prints each mail to the console and keeps a copy as an .eml
file under var/mail, so a developer can open the activation link later."""

from pathlib import Path

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.utils import timezone
from django.utils.crypto import get_random_string


class ConsoleAndFileBackend(ConsoleBackend):
    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        folder = Path(settings.EMAIL_MAIL_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = f"{timezone.now():%Y%m%d-%H%M%S}-{get_random_string(6)}.eml"
            (folder / name).write_bytes(message.message().as_bytes())
        return sent
