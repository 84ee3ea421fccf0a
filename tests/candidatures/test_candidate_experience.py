"""Issue 13, applications side: the campaign named once, English dates day first and English
punctuation on English pages."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CampaignFactory, CandidatureFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_the_campaign_is_named_once(client):
    """Defect 5: « Campagne Campagne 2026-2027 »."""
    CampaignFactory(is_active=True, label="Campagne 2026-2027")
    page = client.get(reverse("candidatures:offer")).content.decode()
    assert "Campagne 2026-2027" in page
    assert "Campagne Campagne" not in page


DEADLINE = (timezone.localtime() + datetime.timedelta(days=20)).replace(
    hour=17, minute=0, second=0, microsecond=0
)
JURY = timezone.make_aware(
    datetime.datetime.combine(
        (timezone.localdate() + datetime.timedelta(days=42)).replace(day=12), datetime.time(9)
    )
)


@pytest.fixture
def english_application(client, ready_dossier):
    programme = ProgrammeFactory(
        campaign=CampaignFactory(is_active=True),
        title="Master Sciences du langage",
        return_deadline=DEADLINE,
        jury_at=JURY,
        publication_at=timezone.now() + datetime.timedelta(days=60),
    )
    candidature = CandidatureFactory(dossier=ready_dossier, programme=programme)
    client.force_login(ready_dossier.user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return candidature


def test_english_dates_are_day_first_in_words(client, english_application):
    """Defect 8: English pages showed 12/01/2026 (American order) beside French-order dates."""
    page = client.get(reverse("candidatures:detail", args=[english_application.pk])).content
    page = page.decode()
    deadline = f"{DEADLINE.day} {DEADLINE:%B} {DEADLINE.year}, 17:00"
    assert f"Return deadline: {deadline}" in page
    assert f"Commission: 12 {JURY:%B} {JURY.year}" in page
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", page)


def test_english_pages_have_no_space_before_colons(client, english_application):
    """Defect 8: « FILE STATUS : COMPLETE » on an English page."""
    page = client.get(reverse("candidatures:detail", args=[english_application.pk])).content
    page = page.decode()
    assert "File status: " in page
    assert "&nbsp;:" not in page and " :" not in re.sub(r"<[^>]+>", "", page)


def test_french_pages_keep_the_space_before_colons(client, english_application):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    page = client.get(reverse("candidatures:detail", args=[english_application.pk])).content
    assert "Statut du dossier&nbsp;: " in page.decode()
