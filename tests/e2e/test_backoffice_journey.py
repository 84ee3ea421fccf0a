"""The completeness review in a real browser, as the issue's "done when" says: a staff member
of one centre signs in with their TOTP code, sees only their centre's applications, opens a
received one, previews its pieces, refuses one with a reason and marks the file incomplete;
the candidate gets a mail naming the piece and the reason, replaces it and submits again; the
staff member validates and marks it complete; the history and the audit log say who did
what."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from audit.models import AuditEntry
from candidatures.models import Candidature, Status
from candidatures.workflow import candidature_submit
from tests.factories import (
    DEFAULT_PASSWORD,
    CampaignFactory,
    CandidatureFactory,
    CentreFactory,
    PieceTypeFactory,
    ProgrammeFactory,
    RequiredPieceFactory,
    centre_staff,
)
from tests.pieces import corpus
from tests.pieces.helpers import complete_dossier
from tests.pieces.test_services import store

from .test_application_journey import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def totp_code(secret: str) -> str:
    """The code an authenticator app shows. allauth accepts the current 30-second window only
    (no tolerance): a code typed in a window's last seconds can reach the server in the next
    one and be refused, which made this journey fail now and then. Wait for a fresh window
    then, as a person would for the next code."""
    left = 30 - time.time() % 30
    if left < 5:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def staff_sign_in(page, user):
    page.goto("/admin/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("#content form").get_by_role("button", name="Se connecter").click()
    page.locator("input[name=code]").fill(totp_code(user.totp_secret))
    page.locator("input[name=code]").press("Enter")
    page.get_by_text("Administration ecandidat").first.wait_for()


def test_staff_refuses_a_piece_the_candidate_replaces_it_staff_completes(
    browser, live_server, settings, tmp_path, mailoutbox
):
    settings.STAFF_MFA_REQUIRED = True
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    campaign = CampaignFactory(is_active=True)
    psychology = CentreFactory(name="UFR de Psychologie")
    programme = ProgrammeFactory(
        campaign=campaign, centre=psychology, title="Licence 3 Psychologie"
    )
    transcript = PieceTypeFactory(label_fr="Relevé de notes", label_en="Transcript")
    cv = PieceTypeFactory(label_fr="Curriculum vitae", label_en="CV")
    for piece_type in (transcript, cv):
        RequiredPieceFactory(programme=programme, piece_type=piece_type)
    candidature = CandidatureFactory(dossier=complete_dossier(), programme=programme)
    for piece_type in (transcript, cv):
        store(candidature, piece_type)
    candidature_submit(candidature=candidature, actor=candidature.dossier.user)
    other_centre = CandidatureFactory(
        received=True,
        programme=ProgrammeFactory(campaign=campaign, centre=CentreFactory(name="IUT de Blagnac")),
    )
    staff = centre_staff(psychology, first_name="Inès", last_name="Roux")
    candidate = candidature.dossier.user

    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    desk = context.new_page()
    desk.set_default_timeout(15_000)
    staff_sign_in(desk, staff)
    desk.goto("/admin/candidatures/candidature/")
    rows = desk.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert candidate.last_name.upper() in rows.first.inner_text()
    assert other_centre.dossier.number not in desk.content()
    rows.first.get_by_role("link").first.click()
    desk.get_by_role("heading", name="Pièces justificatives").wait_for()

    # Preview in the page: the PDF is served inline, from the scoped preview view.
    row = desk.locator("tr", has_text="Relevé de notes")
    row.get_by_text("Aperçu").click()
    frame = row.locator("iframe")
    frame.wait_for()
    # (read again through the page's own session: the frame's response is the PDF viewer's)
    preview = desk.request.get(frame.get_attribute("src"))
    assert preview.status == 200
    assert preview.headers["content-type"] == "application/pdf"
    assert preview.headers["content-disposition"].startswith("inline")
    assert preview.body().startswith(b"%PDF")

    # Refusing needs a reason; then the file is marked incomplete.
    row.get_by_label("Motif du refus").fill("Illisible : scannez-le en couleur")
    row.get_by_role("button", name="Refuser").click()
    desk.get_by_text("refusée. Déclarez le dossier incomplet").wait_for()
    desk.locator("tr", has_text="Curriculum vitae").get_by_role("button", name="Valider").click()
    desk.get_by_text("validée").first.wait_for()
    desk.get_by_role("button", name="Déclarer incomplet").click()
    desk.get_by_text("Dossier déclaré incomplet").wait_for()
    assert "Déclarée incomplète" in desk.locator("#history-title ~ table").inner_text()

    mail = mailoutbox[-1]
    assert mail.to == [candidate.email]
    assert "Relevé de notes : Illisible : scannez-le en couleur" in mail.body

    # The candidate sees the same on their application page, replaces the piece, resubmits.
    home = context.browser.new_context(locale="fr-FR", base_url=live_server.url).new_page()
    home.set_default_timeout(15_000)
    sign_in(home, candidate)
    home.goto(f"/candidatures/{candidature.pk}/")
    home.get_by_text("Illisible : scannez-le en couleur").wait_for()
    home.get_by_role("link", name="Remplacer Relevé de notes").click()
    home.locator("input[type=file]").set_input_files(
        {"name": "releve.pdf", "mimeType": "application/pdf", "buffer": corpus.pdf()}
    )
    home.get_by_role("button", name="Déposer").click()
    home.get_by_text("est enregistrée").wait_for()
    home.get_by_role("link", name="Transmettre ma candidature").click()
    home.get_by_role("button", name="Transmettre ma candidature").click()
    home.get_by_text("Réceptionné").first.wait_for()
    candidature.refresh_from_db()
    assert candidature.status == Status.RECEIVED

    # Staff validate the new file and mark the file complete.
    desk.reload()
    desk.locator("tr", has_text="Relevé de notes").get_by_role("button", name="Valider").click()
    desk.get_by_text("validée").first.wait_for()
    desk.get_by_role("button", name="Déclarer complet").click()
    desk.get_by_text("Dossier déclaré complet").wait_for()
    candidature.refresh_from_db()
    assert candidature.status == Status.COMPLETE
    history = desk.locator("#history-title ~ table").inner_text()
    for words in ("Transmise", "Déclarée incomplète", "Transmise de nouveau", "Déclarée complète"):
        assert words in history
    assert "Inès Roux" in history
    assert list(
        AuditEntry.objects.filter(actor=staff).order_by("at", "pk").values_list("action", flat=True)
    ) == [
        "piece.refuse",
        "piece.validate",
        "application.mark_incomplete",
        "piece.validate",
        "application.mark_complete",
    ]

    # The other centre's application is not even reachable by its address.
    response = desk.goto(f"/admin/candidatures/candidature/{other_centre.pk}/change/")
    assert response.status == 404
    assert Candidature.objects.get(pk=other_centre.pk).status == Status.RECEIVED
    context.close()
