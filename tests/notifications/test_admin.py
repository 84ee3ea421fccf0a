"""Staff's side: the outbox with its filters and "send again"; template overrides with the list
of variables, a preview and a refusal of broken templates."""

import pytest
from django.urls import reverse

from notifications.events import Event
from notifications.models import MailTemplate, Outbox, Status
from tests.factories import OutboxFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(staff=True))
    return client


def test_outbox_list_filters_by_status(staff_client, django_assert_max_num_queries):
    failed = OutboxFactory(failed=True, to_address="refused@example.org")
    OutboxFactory(to_address="delivered@example.org")
    url = reverse("admin:notifications_outbox_changelist")
    with django_assert_max_num_queries(12):
        response = staff_client.get(url, {"status__exact": "failed"})
    page = response.content.decode()
    assert "refused@example.org" in page
    assert "delivered@example.org" not in page
    detail = staff_client.get(reverse("admin:notifications_outbox_change", args=[failed.pk]))
    assert "451 busy" in detail.content.decode()


def test_send_again_action(staff_client, mailoutbox, django_capture_on_commit_callbacks):
    failed = OutboxFactory(failed=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:notifications_outbox_changelist"),
            {"action": "send_again", "_selected_action": [failed.pk]},
            follow=True,
        )
    assert "1 mail remis en file d&#x27;envoi." in response.content.decode()
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Status.SENT, 1)
    assert mailoutbox[0].subject == failed.subject
    assert mailoutbox[0].to == [failed.to_address]


def test_outbox_rows_cannot_be_edited_or_added(staff_client):
    row = OutboxFactory()
    assert staff_client.get(reverse("admin:notifications_outbox_add")).status_code == 403
    staff_client.post(
        reverse("admin:notifications_outbox_change", args=[row.pk]), {"subject": "changed"}
    )
    assert Outbox.objects.get().subject == row.subject


def test_override_is_validated_and_previewed(staff_client):
    add = reverse("admin:notifications_mailtemplate_add")
    data = {
        "event": Event.APPLICATION_COMPLETE,
        "language": "fr",
        "subject": "Complet : {{ programme_title }}",
        "body_text": "Dossier {% if %}",
        "body_html": "",
        "is_active": "on",
    }
    response = staff_client.post(add, data)
    assert "Ce modèle ne peut pas être rendu" in response.content.decode()
    assert not MailTemplate.objects.exists()

    data["body_text"] = "Votre dossier {{ programme_code }} est complet."
    response = staff_client.post(add, {**data, "_continue": "1"}, follow=True)
    template = MailTemplate.objects.get()
    page = response.content.decode()
    assert "[ecandidat] Complet : Master Sciences du langage" in page
    assert "Votre dossier M1-SDL est complet." in page
    assert "{{ refused_pieces }}" not in page  # only this event's variables
    assert "{{ programme_title }}" in page
    assert template.event == Event.APPLICATION_COMPLETE


def test_send_again_needs_the_change_permission(client):
    from django.contrib.auth.models import Permission

    viewer = UserFactory(is_staff=True)  # central administration, reading only
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_outbox", "manage_all_centres"])
    )
    client.force_login(viewer)
    row = OutboxFactory(failed=True)
    page = client.get(reverse("admin:notifications_outbox_changelist")).content.decode()
    assert row.to_address in page
    assert "send_again" not in page
