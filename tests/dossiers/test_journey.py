"""A candidate fills the whole dossier in order, in English, and sees their progress."""

import pytest
from django.urls import reverse

from dossiers.models import BacSeries
from dossiers.services import SectionLocked, line_save, section_declare_none
from tests.dossiers.test_repeatable import VALID
from tests.dossiers.test_sections import PERSONAL


def test_fill_everything_in_order_in_english(candidate_client, dossier):
    client = candidate_client
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("dossiers:overview")).content.decode()
    assert "0 of 6 sections complete" in page
    assert (
        "This section is not open yet" in client.get(reverse("dossiers:address")).content.decode()
    )

    response = client.post(reverse("dossiers:personal_info_edit"), PERSONAL, follow=True)
    page = response.content.decode()
    assert "Personal information saved." in page
    assert "Next: Address" in page

    address = {"country": "FR", "line1": "1 rue", "postal_code": "31000", "commune_name": ""}
    client.post(reverse("dossiers:address_edit"), address)
    bac = {"kind": "equivalent", "year": "2015", "diploma_title": "Abitur"}
    bac["school_country"] = "DE"
    assert client.post(reverse("dossiers:baccalaureate_edit"), bac).status_code == 302
    client.post(reverse("dossiers:external_cursus_add"), VALID["external_cursus"])
    client.post(reverse("dossiers:internships_none"), {"none": "on"})
    page = client.get(reverse("dossiers:overview")).content.decode()
    assert "5 of 6 sections complete" in page
    assert "Professional experience" in page  # still to fill in
    client.post(reverse("dossiers:experiences_none"), {"none": "on"})
    page = client.get(reverse("dossiers:overview")).content.decode()
    assert "6 of 6 sections complete" in page
    assert "Your dossier is complete" in page
    assert page.count("fr-badge--success") == 6
    assert BacSeries.objects.exists()


@pytest.mark.django_db
def test_services_refuse_locked_sections(dossier):
    with pytest.raises(SectionLocked):
        line_save(dossier=dossier, actor=dossier.user, section="internships", data={"year": 2020})
    with pytest.raises(SectionLocked):
        section_declare_none(dossier=dossier, actor=dossier.user, section="internships", none=True)
    dossier.refresh_from_db()
    assert not dossier.has_no_internships
