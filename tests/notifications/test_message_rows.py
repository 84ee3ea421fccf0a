"""{% message_rows %} writes the messages list's rows as notifications/_message_rows.html
does: every status, a hostile subject, FR and EN, in the site's time zone."""

import datetime

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from notifications.models import Outbox
from tests.factories import OutboxFactory
from tests.rendered import collapsed as _collapsed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_same_html_as_the_template(language):
    user = OutboxFactory(subject='Sujet <b>&amp;</b> "x"').recipient
    OutboxFactory(recipient=user, failed=True)
    OutboxFactory(recipient=user, pending=True)
    OutboxFactory(recipient=user, status="sending")
    # Late in the evening UTC: another day in Paris.
    Outbox.objects.update(created_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC))
    mails = list(Outbox.objects.filter(recipient=user).order_by("pk"))
    with translation.override(language):
        ours = Template("{% load message_rows %}{% message_rows mails %}").render(
            Context({"mails": mails})
        )
        reference = render_to_string("notifications/_message_rows.html", {"mails": mails})
    assert _collapsed(ours) == _collapsed(reference)
    assert "&lt;b&gt;&amp;amp;" in ours
    assert {"fr": "02/03/2026 00:30", "en": "2 Mar 2026, 00:30"}[language] in ours
    assert ours.count("fr-badge--info") == 2
