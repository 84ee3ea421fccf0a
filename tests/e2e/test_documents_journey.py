"""A candidate sends every document of a demo programme in a real browser (the identity
document as three phone photos, merged), says a conditional piece does not concern them,
submits after the confirmation step, sees the acknowledgement, and can change nothing after."""

import pytest
from pypdf import PdfReader

from candidatures.models import Candidature, Status
from pieces import demo
from pieces.models import Piece, PieceStatus
from tests.factories import CampaignFactory, CandidatureFactory, CentreFactory, ProgrammeFactory
from tests.pieces import corpus
from tests.pieces.helpers import complete_dossier

from .test_application_journey import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": corpus.pdf()}


def photo(name, shade):
    return {"name": name, "mimeType": "image/jpeg", "buffer": corpus.image(color=(shade, 90, 90))}


def upload(page, label, files):
    page.get_by_role("link", name=label).click()  # "Déposer <label>" (the label is for readers)
    page.locator("input[type=file]").set_input_files(files)
    page.get_by_role("button", name="Déposer").click()
    page.get_by_text("est enregistrée").wait_for()


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def page(request, browser, live_server):
    """With JavaScript (the upload goes through XMLHttpRequest with a progress bar) and
    without (the plain form)."""
    context = browser.new_context(
        locale="fr-FR", base_url=live_server.url, java_script_enabled=request.param
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.javascript = request.param
    yield page
    context.close()


def test_send_every_document_then_submit(page, settings, tmp_path, mailoutbox):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    campaign = CampaignFactory(is_active=True)
    programme = ProgrammeFactory(
        campaign=campaign,
        centre=CentreFactory(name="Service de la formation continue"),
        code="FC-DIPL",
        title="Formations diplômantes",
    )
    demo.populate()
    dossier = complete_dossier()
    candidature = CandidatureFactory(dossier=dossier, programme=programme)
    sign_in(page, dossier.user)
    kinds = []
    page.on("request", lambda sent: kinds.append((sent.method, sent.resource_type)))
    page.goto(f"/candidatures/{candidature.pk}/")
    assert page.get_by_role("button", name="Transmettre ma candidature").is_disabled()

    upload(
        page,
        "Déposer Pièce d'identité",
        [photo("recto.jpg", 10), photo("verso.jpg", 120), photo("page3.jpg", 240)],
    )
    upload(page, "Déposer Curriculum vitae", [pdf("cv.pdf")])
    with page.expect_download() as form:
        page.get_by_role("link", name="Télécharger le formulaire à remplir").first.click()
    assert form.value.suggested_filename.endswith(".pdf")
    upload(page, "Déposer Lettre de motivation", [pdf("lettre.pdf")])
    page.get_by_role("button", name="Non concerné").click()
    page.get_by_text("vous n’êtes pas concerné").wait_for()

    # Three uploads, by XMLHttpRequest with JavaScript, as plain form posts without.
    assert kinds.count(("POST", "xhr" if page.javascript else "document")) >= 3
    identity = Piece.objects.get(piece_type__label_fr="Pièce d'identité")
    assert identity.content_type == "application/pdf"
    with identity.file.open("rb") as handle:
        assert len(PdfReader(handle).pages) == 3  # the three photos, merged

    page.get_by_role("link", name="Transmettre ma candidature").click()
    page.get_by_text("ne pourront plus être modifiées").wait_for()
    page.get_by_role("button", name="Oui, transmettre ma candidature").click()
    page.get_by_text("Votre candidature est transmise").wait_for()
    assert Candidature.objects.get().status == Status.RECEIVED
    assert len(mailoutbox) == 1

    assert page.get_by_role("link", name="Remplacer").count() == 0
    assert page.get_by_role("button", name="Supprimer").count() == 0
    page.goto(f"/candidatures/{candidature.pk}/pieces/{identity.piece_type_id}/envoyer/")
    page.get_by_text("ne peuvent plus être modifiées").wait_for()
    assert Piece.objects.get(pk=identity.pk).status == PieceStatus.UPLOADED
