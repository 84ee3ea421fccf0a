"""The Messages pages: a candidate reads their own mails, newest first, and nobody else's."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboxAttachment
from tests.factories import OutboxFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:message_list")


def test_login_required(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    mail = OutboxFactory()
    response = client.get(reverse("notifications:message_detail", args=[mail.pk]))
    assert response.status_code == 302


def test_list_shows_own_mails_newest_first(client, django_assert_num_queries):
    user = UserFactory()
    now = timezone.now()
    old = OutboxFactory(
        recipient=user, subject="Ancien", created_at=now - datetime.timedelta(days=2)
    )
    new = OutboxFactory(recipient=user, subject="Récent", created_at=now)
    OutboxFactory(recipient=user, subject="Refusé partout", failed=True)
    OutboxFactory(subject="Le mail d'un autre")
    for _ in range(5):
        OutboxFactory(recipient=user)
    client.force_login(user)
    # The user and the page's rows: fewer mails than a page, so no count.
    with django_assert_num_queries(2):
        response = client.get(LIST)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in page and "Messages</h1>" in page
    assert "Le mail d&#x27;un autre" not in page
    assert page.index("Récent") < page.index("Ancien")
    assert reverse("notifications:message_detail", args=[new.pk]) in page
    assert reverse("notifications:message_detail", args=[old.pk]) in page
    assert "Non remis par mail" in page
    assert "Envoyé" in page
    # The header links to the page.
    assert f'href="{LIST}"' in page


def test_list_is_paginated(client, django_assert_num_queries):
    user = UserFactory()
    OutboxFactory.create_batch(21, recipient=user)
    client.force_login(user)
    with django_assert_num_queries(3):  # the user, the rows and, a page being full, the count
        first = client.get(LIST).content.decode()
    assert first.count("/messages/") >= 20
    assert "1 / 2" in first
    second = client.get(LIST, {"page": 2}).content.decode()
    assert "2 / 2" in second
    # A page that does not exist shows the last one rather than an error.
    assert client.get(LIST, {"page": "zzz"}).status_code == 200


@pytest.mark.parametrize(("mails", "queries", "pages"), [(20, 2, 1), (21, 3, 2), (41, 3, 3)])
def test_the_first_page_counts_only_when_full(
    client, django_assert_num_queries, mails, queries, pages
):
    user = UserFactory()
    OutboxFactory.create_batch(mails, recipient=user)
    client.force_login(user)
    for path in (LIST, f"{LIST}?page=1"):
        with django_assert_num_queries(queries):
            html = client.get(path).content.decode()
        assert html.count('<a href="/messages/') == 20
        assert (f"1 / {pages}" in html) == (pages > 1)


def test_empty_list_in_english(english):
    english.force_login(UserFactory(language="en"))
    page = english.get(LIST).content.decode()
    assert "No mail has been sent to you yet." in page
    assert "Messages" in page


def test_detail_shows_what_was_sent(client, django_assert_num_queries):
    user = UserFactory()
    mail = OutboxFactory(recipient=user, body_text="Bonjour <Léa>,\n\nVoir https://example.org/x/")
    OutboxAttachment.objects.create(
        outbox=mail, filename="lettre-admission.pdf", mimetype="application/pdf", content=b"%PDF"
    )
    client.force_login(user)
    with django_assert_num_queries(3):
        response = client.get(reverse("notifications:message_detail", args=[mail.pk]))
    page = response.content.decode()
    assert mail.subject in page
    assert "Bonjour &lt;Léa&gt;," in page  # text shown, never interpreted as HTML
    assert '<a href="https://example.org/x/"' in page
    assert "lettre-admission.pdf" in page
    assert user.email in page
    attachment = mail.attachments.get()
    url = reverse("notifications:message_attachment", args=[mail.pk, attachment.pk])
    assert f'href="{url}"' in page
    download = client.get(url)
    assert download.content == b"%PDF"
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="lettre-admission.pdf"'


def test_attachment_of_someone_elses_mail_is_404(client):
    client.force_login(UserFactory())
    other = OutboxFactory()
    attachment = OutboxAttachment.objects.create(
        outbox=other, filename="x.pdf", mimetype="application/pdf", content=b"%PDF secret"
    )
    url = reverse("notifications:message_attachment", args=[other.pk, attachment.pk])
    assert client.get(url).status_code == 404


def test_detail_of_someone_elses_mail_is_404(client):
    client.force_login(UserFactory())
    other = OutboxFactory()
    response = client.get(reverse("notifications:message_detail", args=[other.pk]))
    assert response.status_code == 404
    assert other.subject not in response.content.decode()
