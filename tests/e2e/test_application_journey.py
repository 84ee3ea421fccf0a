"""A candidate with a complete dossier, as a person would: browse the offer, apply, be refused
on a closed programme, find the application on the dashboard, download the PDF, cancel."""

from pathlib import Path

import pytest

from candidatures.models import Candidature, Status
from tests.candidatures.conftest import fill_sections_to_apply
from tests.factories import (
    DEFAULT_PASSWORD,
    CampaignFactory,
    CentreFactory,
    DossierFactory,
    ProgrammeFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, user):
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("#content form").get_by_role("button", name="Se connecter").click()
    page.locator("#candidate-number").wait_for()


def test_apply_follow_download_and_cancel(page, mailoutbox):
    campaign = CampaignFactory(is_active=True)
    centre = CentreFactory(name="Service de la formation continue")
    ProgrammeFactory(campaign=campaign, centre=centre, title="Formations diplômantes", open=True)
    closed = ProgrammeFactory(
        campaign=campaign, centre=centre, title="Reprise des études", closed=True
    )
    dossier = fill_sections_to_apply(DossierFactory())
    sign_in(page, dossier.user)

    page.get_by_role("link", name="Offre de formation").first.click()
    row = page.get_by_role("row", name="Formations diplômantes")
    row.get_by_role("link", name="Postuler").click()
    page.get_by_role("button", name="Confirmer ma candidature").click()
    page.get_by_text("Prochaine étape").wait_for()
    assert Candidature.objects.get().status == Status.DRAFT

    # A closed programme has no apply button; its address still refuses clearly.
    page.goto("/offre/")
    assert (
        page.get_by_role("row", name="Reprise des études")
        .get_by_role("link", name="Postuler")
        .count()
        == 0
    )
    page.goto(f"/offre/{closed.pk}/postuler/")
    assert "ne sont pas ouvertes" in page.content()

    page.get_by_role("link", name="Mes candidatures").first.click()
    page.get_by_role("link", name="Formations diplômantes").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger une copie PDF").click()
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF-")

    page.get_by_role("link", name="Annuler cette candidature").click()
    page.get_by_role("button", name="Oui, annuler définitivement").click()
    page.get_by_text("est annulée").wait_for()
    assert Candidature.objects.get().status == Status.CANCELLED
