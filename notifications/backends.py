"""Mail backends: the embedded one (console and a copy as an .eml file under var/mail, so a
developer can open the activation link later) and production's SMTP one that keeps the server's
answer."""

import smtplib
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPEmailBackend
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


class _RecordingSMTP(smtplib.SMTP):
    """Keeps the server's answer to DATA ("250 2.0.0 Ok: queued as ..."), which smtplib drops."""

    last_reply = ""

    def data(self, msg):
        code, reply = super().data(msg)
        self.last_reply = f"{code} {reply.decode(errors='replace')}"
        return code, reply


class _RecordingSMTPSSL(_RecordingSMTP, smtplib.SMTP_SSL):
    pass


class SMTPBackend(SMTPEmailBackend):
    """Django's SMTP backend that stores the server's answer on each message as
    ``smtp_response``: the outbox keeps it, and a message the server accepted counts as sent
    even if closing the connection fails afterwards."""

    @property
    def connection_class(self):
        return _RecordingSMTPSSL if self.use_ssl else _RecordingSMTP

    def _send(self, email_message):
        sent = super()._send(email_message)
        if sent:
            email_message.smtp_response = self.connection.last_reply
        return sent
