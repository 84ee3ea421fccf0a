"""The six steps of the candidates' guide in a real browser, from sign-up to confirmation:
1 create the account, 2 fill in the dossier, 3 apply and send the documents, 4 transmit,
5 follow the application (the staff marks it complete, the commission decides on its pages and
its president publishes), 6 confirm. A screenshot of each step is kept as an artefact of the
run under ``var/artefacts/guide-journey/`` (git-ignored; ``GUIDE_ARTEFACTS`` moves it)."""

import datetime
import io
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader

from candidatures.models import Candidature, Programme
from candidatures.workflow import candidature_mark_complete, stage_of
from commissions.models import AdmissionLetter
from tests.factories import (
    DEFAULT_PASSWORD,
    CampaignFactory,
    CentreFactory,
    PieceTypeFactory,
    ProgrammeFactory,
    RequiredPieceFactory,
    UserFactory,
    centre_staff,
    commission_with,
)
from tests.pieces import corpus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LINK_RE = re.compile(r"http://[^/\s]+(/accounts/confirm-email/[a-z0-9]{64}/)")
PASSWORD = "Une-phrase-de-passe-2026"
ARTEFACTS = Path(os.environ.get("GUIDE_ARTEFACTS", Path(settings.BASE_DIR) / "var/artefacts"))


def shot(page, step: int, name: str):
    folder = ARTEFACTS / "guide-journey"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"step{step}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def sign_in(page, login, password):
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(login)
    page.locator("#id_password").fill(password)
    page.locator("#content form").get_by_role("button", name="Se connecter").click()
    page.get_by_role("button", name="Se déconnecter").wait_for()


def sign_out(page):
    page.get_by_role("button", name="Se déconnecter").click()


def test_the_six_steps_of_the_guide(page, mailoutbox):
    for old in (ARTEFACTS / "guide-journey").glob("step*.png"):
        old.unlink()
    try:
        journey(page, mailoutbox)
    except BaseException:
        shot(page, 0, "failure")  # the page as it was, next to the steps' screenshots
        raise


def journey(page, mailoutbox):
    campaign = CampaignFactory(is_active=True)
    centre = CentreFactory(name="UFR de Psychologie")
    programme = ProgrammeFactory(
        campaign=campaign, centre=centre, code="PSY-M1", title="Master Psychologie sociale"
    )
    RequiredPieceFactory(programme=programme, piece_type=PieceTypeFactory(label_fr="CV"))
    AdmissionLetter.objects.create(
        centre=centre,
        body_fr="La commission de l'{centre} vous admet en {programme}.",
        body_en="Admitted to {programme}.",
        signatory_name="Hélène Castex",
    )
    staff = centre_staff(centre)
    member, president = UserFactory(), UserFactory()
    commission_with(programme, members=[member], presidents=[president])

    # 1. Create the account: sign up, activate from the mail, sign in.
    page.goto("/accounts/signup/")
    page.locator("label[for=id_civility_0]").click()
    page.get_by_label("Nom", exact=True).fill("Lefèvre")
    page.get_by_label("Prénom").fill("Inès")
    page.get_by_label("Date de naissance").fill("2000-09-14")
    page.locator("#id_email").fill("ines.lefevre@example.org")
    page.locator("#id_email2").fill("ines.lefevre@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Enregistrer").click()
    page.goto(LINK_RE.search(mailoutbox[-1].body).group(1))
    page.get_by_role("button", name="Activer mon compte").click()
    sign_in(page, "ines.lefevre@example.org", PASSWORD)
    shot(page, 1, "account")

    # 2. Fill in the dossier: the three sections, "none" for the three lists.
    page.goto("/dossier/personal-info/edit/")
    page.locator("label[for=id_civility_0]").click()
    page.locator("[name=birth_name]").fill("Lefèvre")
    page.locator("[name=first_names]").fill("Inès")
    page.locator("[name=birth_date]").fill("2000-09-14")
    # Born and living abroad: the communes referential is emptied by earlier transactional
    # tests, and a foreign address is a path of the guide too.
    page.locator("[name=birth_country]").select_option("BE")
    page.locator("[name=birth_town]").fill("Bruxelles")
    page.locator("[name=nationality]").select_option("FR")
    page.locator("[name=phone]").fill("05 61 00 00 01")
    page.locator("#content form").get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Informations personnelles : enregistré.").wait_for()
    page.goto("/dossier/address/edit/")
    page.locator("[name=country]").select_option("BE")
    page.locator("[name=line1]").fill("5 avenue Louise")
    page.locator("[name=foreign_postal_code]").fill("1050")
    page.locator("[name=town]").fill("Bruxelles")
    page.locator("#content form").get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Adresse : enregistré.").wait_for()
    page.goto("/dossier/baccalaureate/edit/")
    page.locator("label", has_text="Pas de baccalauréat").click()
    page.locator("#content form").get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Baccalauréat : enregistré.").wait_for()
    for slug in ("external-cursus", "internships", "experiences"):
        page.goto(f"/dossier/{slug}/")
        page.locator("label[for=id_none]").click()
        page.locator("#content form").get_by_role("button", name="Enregistrer").first.click()
    page.goto("/dossier/")
    page.get_by_text("6 sur 6").first.wait_for()
    shot(page, 2, "dossier")

    # 3. Apply and send the documents.
    page.goto("/offre/")
    page.get_by_role("row", name="Master Psychologie sociale").get_by_role(
        "link", name="Postuler"
    ).click()
    page.get_by_role("button", name="Confirmer ma candidature").click()
    page.get_by_role("link", name="Déposer CV").click()
    page.locator("input[type=file]").set_input_files(
        {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": corpus.pdf(text="CV Ines")}
    )
    page.get_by_role("button", name="Déposer").click()
    page.get_by_text("est enregistrée").wait_for()
    shot(page, 3, "application")

    # 4. Transmit.
    page.get_by_role("link", name="Transmettre ma candidature").click()
    page.get_by_role("button", name="Oui, transmettre ma candidature").click()
    page.get_by_text("Réceptionné").first.wait_for()
    shot(page, 4, "transmitted")
    candidature = Candidature.objects.get()

    # 5. Follow: the staff finds it complete; the applications close and the jury meets.
    candidature_mark_complete(candidature=candidature, actor=staff)
    now = timezone.now()
    Programme.objects.filter(pk=programme.pk).update(
        opens_at=now - datetime.timedelta(days=40),
        closes_at=now - datetime.timedelta(days=20),
        return_deadline=now - datetime.timedelta(days=10),
        jury_at=now - datetime.timedelta(days=2),
        publication_at=now - datetime.timedelta(hours=1),
        confirmation_deadline=now + datetime.timedelta(days=10),
    )
    sign_out(page)
    # A member gives an opinion and the decision on the reviewer pages, with the keyboard.
    member.set_password(DEFAULT_PASSWORD)
    member.save()
    sign_in(page, member.email, DEFAULT_PASSWORD)
    page.goto("/commission/")
    page.get_by_role("link", name="LEFÈVRE Inès").click()
    page.get_by_text("5 avenue Louise").wait_for()
    assert page.locator("iframe.reviewer-piece__frame").count() == 1
    page.get_by_label("Note (sur 20)").fill("16")
    page.get_by_role("button", name="Enregistrer mon avis").click()
    page.get_by_text("Votre avis est enregistré.").wait_for()
    page.locator("#decision-form").get_by_role("radio", name="Favorable", exact=True).focus()
    page.keyboard.press("Space")
    page.locator("#decision-form").get_by_role("button", name="Enregistrer la décision").focus()
    page.keyboard.press("Enter")
    page.get_by_text("La décision est enregistrée.").wait_for()
    shot(page, 5, "commission-decides")
    sign_out(page)
    # The president publishes from the list.
    president.set_password(DEFAULT_PASSWORD)
    president.save()
    sign_in(page, president.email, DEFAULT_PASSWORD)
    page.goto("/commission/")
    page.get_by_role("checkbox", name="Choisir Inès Lefèvre").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Publier les décisions choisies").click()
    page.get_by_text("1 décision est en cours de publication").wait_for()
    sign_out(page)
    candidature.refresh_from_db()
    assert stage_of(candidature) == "favourable"
    favourable = mailoutbox[-1]
    assert favourable.to == ["ines.lefevre@example.org"]
    ((_name, letter, _mimetype),) = favourable.attachments
    text = PdfReader(io.BytesIO(letter)).pages[0].extract_text()
    assert "vous admet en Master Psychologie sociale" in text and "Hélène Castex" in text
    # The candidate reads the decision.
    sign_in(page, "ines.lefevre@example.org", PASSWORD)
    page.goto(f"/candidatures/{candidature.pk}/")
    page.get_by_text("Décision\u00a0: Favorable").wait_for()
    page.get_by_role("link", name="Télécharger ma lettre d’admission").wait_for()
    shot(page, 5, "decision")

    # 6. Confirm.
    page.get_by_role("link", name="Confirmation candidature").click()
    page.get_by_role("button", name="Oui, je confirme").click()
    page.get_by_text("Vous avez confirmé votre admission").first.wait_for()
    shot(page, 6, "confirmed")
    candidature.refresh_from_db()
    assert stage_of(candidature) == "confirmed"
    assert mailoutbox[-1].to == ["ines.lefevre@example.org"]
