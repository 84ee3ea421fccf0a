"""The e-mail message the outbox sends.

Django 5.2 encodes a non-ASCII header with the legacy ``email.header.Header`` without telling it
the header's name, so a long subject is folded as ``Subject:`` followed by an empty first line;
a reader unfolding it (RFC 5322) gets the subject with a leading space, which is what several mail
clients and Python's own modern parser show. Encoding the subject knowing its name keeps the
first encoded word on the ``Subject:`` line.
"""

from email.header import Header
from email.message import Message

from django.core.mail import EmailMultiAlternatives


class OutboxMessage(EmailMultiAlternatives):
    def message(self, *args, **kwargs):
        msg = super().message(*args, **kwargs)
        if not self.subject.isascii():
            del msg["Subject"]
            # Django's own __setitem__ would re-encode it the legacy way (its CR/LF check has
            # already passed on this very subject in super().message()).
            header = Header(self.subject, self.encoding or "utf-8", header_name="Subject")
            Message.__setitem__(msg, "Subject", header.encode())
        return msg
