"""Issue 11's « done when », in a real browser: a member signs in and lands on the applications
to examine, gives opinions and decisions (two favourable, two on the waiting list through a bulk
decision); a member of another commission sees none of it; the president publishes; the first
favourable candidate gets the mail with the letter and withdraws, and the head of the waiting
list is promoted at once (mail and letter) and confirms; the other favourable candidate stays
silent and is withdrawn when the deadline passes (the scheduled job), which promotes the next.
Screenshots of each page under ``var/artefacts/commission-journey/``."""

import datetime
import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from candidatures.models import Programme
from candidatures.workflow import stage_of
from commissions.models import AdmissionLetter
from tests.factories import (
    DEFAULT_PASSWORD,
    CandidatureFactory,
    CentreFactory,
    ProgrammeFactory,
    UserFactory,
    commission_with,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTEFACTS = Path(os.environ.get("GUIDE_ARTEFACTS", Path(settings.BASE_DIR) / "var/artefacts"))


def shot(page, name: str):
    folder = ARTEFACTS / "commission-journey"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def sign_in(page, login):
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(login)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("#content form").get_by_role("button", name="Se connecter").click()
    page.get_by_role("button", name="Se déconnecter").wait_for()


def sign_out(page):
    page.get_by_role("button", name="Se déconnecter").click()


def candidate(programme, first, last):
    user = UserFactory(first_name=first, last_name=last, email=f"{first.lower()}@example.org")
    application = CandidatureFactory(programme=programme, complete=True, dossier__user=user)
    return application


def tick(page, name):
    """A DSFR checkbox (its label covers the input), ticked with the keyboard."""
    page.get_by_role("checkbox", name=name).focus()
    page.keyboard.press("Space")


def mails_to(mailoutbox, application):
    return [m for m in mailoutbox if m.to == [application.dossier.user.email]]


def letter_text(mail) -> str:
    ((_name, content, _mimetype),) = mail.attachments
    return PdfReader(io.BytesIO(content)).pages[0].extract_text()


def test_the_commission_decides_publishes_and_the_waiting_list_moves(page, mailoutbox):
    now = timezone.now()
    centre = CentreFactory(name="UFR de Psychologie")
    programme = ProgrammeFactory(
        centre=centre,
        code="PSY-M2",
        title="Master Psychologie clinique",
        has_waiting_list=True,
        closed=True,
    )
    Programme.objects.filter(pk=programme.pk).update(
        publication_at=now - datetime.timedelta(hours=1),
        confirmation_deadline=now + datetime.timedelta(days=10),
    )
    AdmissionLetter.objects.create(
        centre=centre,
        body_fr="La commission vous admet en {programme}.",
        body_en="Admitted to {programme}.",
        signatory_name="Hélène Castex",
    )
    member = UserFactory(first_name="Marc", last_name="Membre", email="membre@example.org")
    president = UserFactory(first_name="Paule", last_name="Présidente", email="pres@example.org")
    commission_with(programme, members=[member], presidents=[president], name="Jury PSY")
    outsider = UserFactory(first_name="Otto", last_name="Autre", email="otto@example.org")
    commission_with(ProgrammeFactory(code="LET-L3"), presidents=[outsider], name="Jury Lettres")
    alice = candidate(programme, "Alice", "Arnaud")  # favourable, withdraws
    bruno = candidate(programme, "Bruno", "Blanc")  # favourable, stays silent
    chloe = candidate(programme, "Chloe", "Carre")  # waiting list 1: promoted, confirms
    david = candidate(programme, "David", "Durand")  # waiting list 2: promoted at the deadline

    # A member signs in and lands on the list; opinion and decision on Alice's page.
    sign_in(page, member.email)
    page.get_by_role("heading", name="Candidatures à examiner").wait_for()
    shot(page, "01-member-list")
    page.get_by_role("link", name="ARNAUD Alice").click()
    page.get_by_label("Note (sur 20)").fill("17")
    page.get_by_label("Commentaire (lu par la commission seulement)").fill("Excellent dossier")
    page.get_by_role("button", name="Enregistrer mon avis").click()
    page.get_by_text("Votre avis est enregistré.").wait_for()
    page.locator("#decision-form").get_by_text("Favorable", exact=True).click()
    page.locator("#decision-form").get_by_role("button", name="Enregistrer la décision").click()
    page.get_by_text("La décision est enregistrée.").wait_for()
    shot(page, "02-member-decides")
    # Next application in the list: Bruno, favourable too.
    page.get_by_role("link", name="Candidature suivante").click()
    page.get_by_role("heading", name="BLANC Bruno").wait_for()
    page.locator("#decision-form").get_by_text("Favorable", exact=True).click()
    page.locator("#decision-form").get_by_role("button", name="Enregistrer la décision").click()
    page.get_by_text("La décision est enregistrée.").wait_for()
    # Chloe and David on the waiting list at once, from the list (ranks 1 and 2).
    page.get_by_role("link", name="Retour à la liste").click()
    tick(page, "Choisir Chloe CARRE")
    tick(page, "Choisir David DURAND")
    page.locator("#bulk-decision").get_by_text("Liste complémentaire", exact=True).click()
    page.locator("#bulk-decision").get_by_label("Rang du premier sur la liste").fill("1")
    page.get_by_role("button", name="Enregistrer cette décision pour la sélection").click()
    page.get_by_text("La décision sur 2 candidatures est en cours").wait_for()
    shot(page, "03-member-bulk-waiting-list")
    for application, rank in ((chloe, 1), (david, 2)):
        application.refresh_from_db()
        assert (application.decision, application.waitlist_rank) == ("waitlisted", rank)
    # The commission's table of the list, built by the export task.
    page.get_by_role("button", name="Exporter ces candidatures (XLSX)").click()
    page.get_by_role("link", name="Télécharger").wait_for()
    shot(page, "04-member-exports")
    sign_out(page)
    assert not [m for m in mailoutbox if m.to[0].endswith("@example.org")]  # not published

    # A member of another commission sees none of it.
    sign_in(page, outsider.email)
    page.get_by_role("heading", name="Candidatures à examiner").wait_for()
    text = page.locator("main").inner_text()
    for application in (alice, bruno, chloe, david):
        assert application.dossier.user.last_name.upper() not in text
    shot(page, "05-other-commission-list")
    response = page.goto(f"/commission/dossiers/{alice.pk}/")
    assert response.status == 404
    sign_out_page = page.goto("/commission/")
    assert sign_out_page.status == 200
    sign_out(page)

    # The president publishes the four decisions from the list.
    sign_in(page, president.email)
    for application in (alice, bruno, chloe, david):
        user = application.dossier.user
        tick(page, f"Choisir {user.first_name} {user.last_name}")
    page.get_by_role("button", name="Publier les décisions choisies").click()
    page.get_by_text("4 décisions sont en cours de publication").wait_for()
    shot(page, "06-president-publishes")
    sign_out(page)
    for application in (alice, bruno):
        (mail,) = mails_to(mailoutbox, application)
        assert "vous admet en Master Psychologie clinique" in letter_text(mail)
    (waiting,) = mails_to(mailoutbox, chloe)
    assert not waiting.attachments

    # Alice reads the decision and withdraws: Chloe, head of the list, is promoted at once.
    sign_in(page, alice.dossier.user.email)
    page.goto(f"/candidatures/{alice.pk}/")
    page.get_by_text("Décision\u00a0: Favorable").wait_for()
    shot(page, "07-favourable-candidate")
    page.get_by_role("link", name="Désistement candidature").click()
    shot(page, "08-withdraw-confirm-step")
    page.get_by_role("button", name="Oui, je me désiste").click()
    page.locator("#content").get_by_text("désist").first.wait_for()
    shot(page, "09-withdrawn")
    sign_out(page)
    chloe.refresh_from_db()
    assert stage_of(chloe) == "favourable" and chloe.waitlist_rank is None
    promoted = mails_to(mailoutbox, chloe)[-1]
    assert "vous admet en Master Psychologie clinique" in letter_text(promoted)
    david.refresh_from_db()
    assert david.waitlist_rank == 1  # the list is renumbered

    # Chloe confirms.
    sign_in(page, chloe.dossier.user.email)
    page.goto(f"/candidatures/{chloe.pk}/")
    shot(page, "10-promoted-candidate")
    page.get_by_role("link", name="Confirmation candidature").click()
    page.get_by_role("button", name="Oui, je confirme").click()
    page.get_by_text("Vous avez confirmé votre admission").first.wait_for()
    shot(page, "11-promoted-confirms")
    sign_out(page)
    chloe.refresh_from_db()
    assert stage_of(chloe) == "confirmed"

    # Bruno says nothing: past the deadline the job withdraws him and promotes David.
    Programme.objects.filter(pk=programme.pk).update(
        confirmation_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    call_command("expire_confirmations")
    bruno.refresh_from_db()
    david.refresh_from_db()
    assert stage_of(bruno) == "withdrawn"
    assert stage_of(david) == "favourable"
    assert len(mails_to(mailoutbox, bruno)) == 2  # the decision, then the withdrawal
    sign_in(page, bruno.dossier.user.email)
    page.goto(f"/candidatures/{bruno.pk}/")
    shot(page, "12-silent-candidate-withdrawn")
    sign_out(page)

    # The member's list tells the whole story; the other commission still sees none of it.
    sign_in(page, member.email)
    shot(page, "13-member-list-after")
    sign_out(page)
