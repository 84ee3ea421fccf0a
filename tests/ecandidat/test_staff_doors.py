"""Every staff door, walked as the people who must not get through: staff of another centre,
and staff without their TOTP authenticator when it is required. Every admin page of every
registered model (list, add, change, history, delete), the back office's own pages and
actions, autocompletes, the piece preview and the file download: each answers 404 / 403 /
the sign-in page, or a page that shows none of the other centre's data; nothing changes."""

import pytest
from django.contrib import admin
from django.urls import reverse

from audit.models import AuditEntry
from candidatures.models import BulkOperation, Candidature, StaffNote
from candidatures.services import candidature_add_note
from notifications.models import MailTemplate, Outbox
from pieces import services
from pieces.models import Piece
from tests.factories import (
    CandidatureFactory,
    CentreFactory,
    PieceFactory,
    PieceTypeFactory,
    RequiredPieceFactory,
    centre_staff,
)
from tests.pieces.conftest import media  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def their_centre(media, mailoutbox, django_capture_on_commit_callbacks):  # noqa: F811
    """Centre A with a received application (a piece, a note, an audit entry, a mail, a
    template, a bulk operation) worked on by A's own staff."""
    centre = CentreFactory(name="UFR de Psychologie")
    own_staff = centre_staff(centre)
    piece_type = PieceTypeFactory(label_fr="Relevé confidentiel")
    candidature = CandidatureFactory(
        received=True,
        programme__centre=centre,
        programme__title="Licence Secrète",
        dossier__user__last_name="Zanzibar",
        dossier__user__email="zanzibar@example.org",
    )
    RequiredPieceFactory(programme=candidature.programme, piece_type=piece_type)
    piece = PieceFactory(candidature=candidature, piece_type=piece_type)
    with django_capture_on_commit_callbacks(execute=True):
        services.piece_refuse(piece=piece, actor=own_staff, reason="Motif interne")
        candidature_add_note(candidature=candidature, actor=own_staff, text="Note interne")
    template = MailTemplate.objects.create(
        event="application_received",
        language="fr",
        centre=centre,
        subject="Sujet Zanzibar",
        body_text="Corps",
    )
    operation = BulkOperation.objects.create(
        actor=own_staff, action="mark_complete", candidature_ids=[candidature.pk]
    )
    Outbox.objects.create(
        event="application_received",
        object_key="x",
        recipient=candidature.dossier.user,
        to_address="zanzibar@example.org",
        language="fr",
        subject="Zanzibar",
        body_text="x",
    )
    objects = {
        Candidature: candidature,
        Piece: piece,
        type(candidature.programme): candidature.programme,
        type(centre): centre,
        type(candidature.dossier): candidature.dossier,
        type(candidature.dossier.user): candidature.dossier.user,
        StaffNote: StaffNote.objects.get(),
        AuditEntry: AuditEntry.objects.first(),
        MailTemplate: template,
        BulkOperation: operation,
        Outbox: Outbox.objects.get(),
        type(piece.candidature.programme.required_pieces.get()): (
            piece.candidature.programme.required_pieces.get()
        ),
    }
    return candidature, piece, objects


# What must never appear on another centre's staff pages.
MARKERS = ["Zanzibar", "zanzibar@example.org", "Licence Secrète", "Motif interne", "Note interne"]


def urls_of(objects):
    """Every admin URL of every registered model, with the other centre's object where the
    model has one."""
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        yield "GET", reverse("admin:{}_{}_changelist".format(*info)), None
        yield "GET", reverse("admin:{}_{}_add".format(*info)), None
        obj = objects.get(model)
        if obj is not None:
            for view in ("change", "history", "delete"):
                yield "GET", reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[obj.pk]), obj
            yield "POST", reverse("admin:{}_{}_change".format(*info), args=[obj.pk]), obj
            yield "POST", reverse("admin:{}_{}_delete".format(*info), args=[obj.pk]), obj


def back_office_urls(candidature, piece):
    pk = candidature.pk
    return [
        (
            "POST",
            reverse("admin:candidatures_candidature_verdict", args=[pk]),
            {"verdict": "complete"},
        ),
        ("POST", reverse("admin:candidatures_candidature_note", args=[pk]), {"text": "intrusion"}),
        (
            "POST",
            reverse("admin:candidatures_candidature_deadlines", args=[pk]),
            {"reason": "intrusion"},
        ),
        ("GET", reverse("admin:candidatures_candidature_statistics"), None),
        ("POST", reverse("admin:pieces_piece_review", args=[piece.pk]), {"verdict": "validate"}),
        ("GET", reverse("admin:pieces_piece_preview", args=[piece.pk]), None),
        ("GET", reverse("pieces:download", args=[piece.pk]), None),
        (
            "POST",
            reverse("admin:candidatures_candidature_changelist"),
            {"action": "mark_complete", "_selected_action": [pk]},
        ),
        (
            "GET",
            reverse("admin:autocomplete")
            + "?app_label=pieces&model_name=requiredpiece&field_name=programme&term=Secr",
            None,
        ),
        # (the page repeats the search term: a lower-case prefix is not one of the markers)
        ("GET", reverse("admin:candidatures_candidature_changelist") + "?q=zanzib", None),
    ]


def walk(client, candidature, piece, objects):
    tried, leaks = 0, []
    requests = [(m, u, {}) for m, u, _o in urls_of(objects)]
    requests += [(m, u, d or {}) for m, u, d in back_office_urls(candidature, piece)]
    for method, url, data in requests:
        response = client.get(url) if method == "GET" else client.post(url, data)
        tried += 1
        if response.status_code in (403, 404):
            continue
        if response.status_code == 302:
            location = response["Location"]
            assert (
                "/accounts/login/" in location
                or "/admin/login/" in location
                or (
                    # a POST bounced back to a page of the same admin: the test reads that page
                    location.startswith("/admin/")
                )
            ), (url, location)
            continue
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode(errors="replace")
        found = [marker for marker in MARKERS if marker in body]
        if found:
            leaks.append((method, url, response.status_code, found))
    return tried, leaks


def assert_nothing_changed(candidature, piece):
    candidature.refresh_from_db()
    piece.refresh_from_db()
    assert candidature.status == "received"
    assert piece.status == "refused"
    assert StaffNote.objects.count() == 1
    assert candidature.deadline_override_reason == ""
    assert Candidature.objects.filter(pk=candidature.pk).exists()


def test_staff_of_another_centre_gets_nothing_anywhere(client, their_centre):
    candidature, piece, objects = their_centre
    client.force_login(centre_staff(CentreFactory(name="IUT de Blagnac")))
    tried, leaks = walk(client, candidature, piece, objects)
    assert tried > 80
    assert leaks == []
    assert_nothing_changed(candidature, piece)


def test_staff_without_totp_gets_nothing_when_it_is_required(client, their_centre, settings):
    settings.STAFF_MFA_REQUIRED = True
    candidature, piece, objects = their_centre
    client.force_login(centre_staff(candidature.programme.centre, totp=False))
    tried, leaks = walk(client, candidature, piece, objects)
    assert tried > 80
    assert leaks == []
    assert_nothing_changed(candidature, piece)


def test_the_walk_sees_a_leak_when_there_is_one(client, their_centre):
    """The same walk as the centre's own staff finds the markers: the test can fail."""
    candidature, piece, objects = their_centre
    client.force_login(centre_staff(candidature.programme.centre))
    _tried, leaks = walk(client, candidature, piece, objects)
    leaked_urls = {url for _m, url, _s, _f in leaks}
    assert reverse("admin:candidatures_candidature_change", args=[candidature.pk]) in leaked_urls
    assert reverse("pieces:download", args=[piece.pk]) not in leaked_urls  # a PDF, no marker


def test_the_staff_door_answer_follows_the_account_within_a_request(settings):
    """``backoffice_user`` keeps its answer on the user (an admin page asks it ~40 times),
    keyed by what it reads: an account made inactive, no longer staff, or the TOTP rule
    turned on is answered again, not from the kept answer."""
    from ecandidat.scoping import backoffice_user

    settings.STAFF_MFA_REQUIRED = False
    user = centre_staff(CentreFactory(), totp=False)
    assert backoffice_user(user)
    user.is_active = False
    assert not backoffice_user(user)
    user.is_active = True
    assert backoffice_user(user)
    user.is_staff = False
    assert not backoffice_user(user)
    user.is_staff = True
    settings.STAFF_MFA_REQUIRED = True
    assert not backoffice_user(user)
