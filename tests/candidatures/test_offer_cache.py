"""The offer page's kept listing (candidatures/offer.py): it follows every change of the
programmes, centres and campaign, the clock, the language and the search; the candidate's own
cells are theirs only; nothing kept names anybody; without Redis the page still works."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from candidatures import offer
from candidatures.models import Campaign, Centre, Programme
from tests.factories import (
    CampaignFactory,
    CandidatureFactory,
    CentreFactory,
    DossierFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db

OFFER = reverse("candidatures:offer")


@pytest.fixture
def campaign():
    return CampaignFactory(is_active=True)


def page(client, **params):
    response = client.get(OFFER, params)
    assert response.status_code == 200
    return response.content.decode()


def row(html, title):
    """The table row of the programme titled ``title``."""
    found = re.search(rf"<tr>(?:(?!</tr>).)*?{re.escape(title)}.*?</tr>", html, re.S)
    assert found, title
    return found.group(0)


def kept_entries():
    """What the shared cache and this process hold for the offer."""
    keys = [key for key in offer._memo if key.startswith("candidatures:offer:")]
    return keys, [cache.get(key) for key in keys]


def test_a_programme_saved_or_deleted_shows_at_once(client, campaign):
    programme = ProgrammeFactory(campaign=campaign, title="Master Histoire", open=True)
    ProgrammeFactory(campaign=campaign, title="Licence Géographie", open=True)
    assert "Master Histoire" in page(client)
    programme.title = "Master Histoire contemporaine"
    programme.save()
    assert "Master Histoire contemporaine" in page(client)
    programme.opens_at = timezone.now() + timedelta(days=1)
    programme.save()
    assert "Pas encore ouverte" in row(page(client), "Master Histoire contemporaine")
    programme.delete()
    html = page(client)
    assert "Master Histoire" not in html and "Licence Géographie" in html


def test_a_centre_renamed_shows_at_once(client, campaign):
    centre = CentreFactory(name="Service de la formation continue")
    ProgrammeFactory(campaign=campaign, centre=centre)
    assert "Service de la formation continue" in page(client)
    centre.name = "Formation tout au long de la vie"
    centre.save()
    html = page(client)
    assert "Formation tout au long de la vie" in html
    assert "Service de la formation continue" not in html


def test_a_queryset_update_shows_once_announced(client, campaign):
    """``QuerySet.update`` sends no signal: the code doing one calls ``offer_changed()``, as
    the demo and the bench data do."""
    programme = ProgrammeFactory(campaign=campaign, title="Master Histoire")
    assert "Master Histoire" in page(client)
    Programme.objects.filter(pk=programme.pk).update(title="Master Philosophie")
    offer.offer_changed()
    html = page(client)
    assert "Master Philosophie" in html and "Master Histoire" not in html


def test_the_commission_demo_announces_its_update(monkeypatch):
    """The demo closes its programme's window by ``QuerySet.update``, then says so."""
    from commissions import demo

    closes = []
    monkeypatch.setattr(
        demo,
        "offer_changed",
        lambda: closes.append(Programme.objects.get(code=demo.CODE).closes_at),
    )
    call_command("demo")
    assert closes and closes[-1] < timezone.now()


def test_another_campaign_activated_shows_its_programmes(client, campaign):
    ProgrammeFactory(campaign=campaign, title="Master Histoire")
    assert "Master Histoire" in page(client)
    campaign.is_active = False
    campaign.save()
    CampaignFactory(code="2027", label="Campagne 2027-2028", is_active=True)
    html = page(client)
    assert "Master Histoire" not in html and "Campagne 2027-2028" in html


def test_a_campaign_saved_from_an_old_copy_never_brings_an_old_version_back(campaign):
    old_copy = Campaign.objects.get(pk=campaign.pk)
    seen = {old_copy.offer_version}
    ProgrammeFactory(campaign=campaign)
    seen.add(Campaign.objects.get(pk=campaign.pk).offer_version)
    old_copy.label = "Campagne 2026-2027 (rentrée)"
    old_copy.save()
    assert Campaign.objects.get(pk=campaign.pk).offer_version not in seen


def test_windows_open_and_close_on_time(client, campaign):
    now = timezone.now()
    programme = ProgrammeFactory(
        campaign=campaign,
        title="Master Histoire",
        opens_at=now + timedelta(hours=1),
        closes_at=now + timedelta(hours=2),
    )
    apply_url = reverse("candidatures:apply", args=[programme.pk])
    with time_machine.travel(now, tick=False) as clock:
        cell = row(page(client), "Master Histoire")
        assert "Pas encore ouverte" in cell and apply_url not in cell
        assert "Pas encore ouverte" in row(page(client), "Master Histoire")  # kept
        clock.move_to(programme.opens_at)
        cell = row(page(client), "Master Histoire")
        assert "Ouverte" in cell and apply_url in cell
        clock.move_to(programme.closes_at - timedelta(seconds=1))
        assert apply_url in row(page(client), "Master Histoire")
        clock.move_to(programme.closes_at)
        cell = row(page(client), "Master Histoire")
        assert "Fermée" in cell and apply_url not in cell


def test_each_language_has_its_own_listing(client, campaign):
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    ProgrammeFactory(campaign=campaign, title="Master Histoire", open=True)
    french = page(client)
    assert "Postuler" in french and "Ouverte" in french
    html = page(english)
    assert "Apply" in html and "Open" in html and "Postuler" not in html
    assert "Postuler" in page(client)


def test_a_candidate_sees_their_own_applications_and_nobody_elses(client, campaign):
    history = ProgrammeFactory(campaign=campaign, title="Master Histoire", open=True)
    ProgrammeFactory(campaign=campaign, title="Licence Géographie", open=True)
    mine = CandidatureFactory(programme=history)
    other = DossierFactory(filled=True)
    own_link = reverse("candidatures:detail", args=[mine.pk])
    apply_url = reverse("candidatures:apply", args=[history.pk])

    assert own_link not in page(client)  # anonymous first: the listing is kept now
    client.force_login(mine.dossier.user)
    html = page(client)
    assert own_link in row(html, "Master Histoire") and apply_url not in html
    assert "Voir ma candidature" in row(html, "Master Histoire")
    assert "Postuler" in row(html, "Licence Géographie")
    client.force_login(other.user)
    html = page(client)
    assert own_link not in html and "Voir ma candidature" not in html
    assert apply_url in row(html, "Master Histoire")
    client.logout()
    html = page(client)
    assert own_link not in html and apply_url in html


def test_nothing_kept_names_a_candidate(client, campaign):
    candidature = CandidatureFactory(programme=ProgrammeFactory(campaign=campaign, open=True))
    client.force_login(candidature.dossier.user)
    assert reverse("candidatures:detail", args=[candidature.pk]) in page(client)
    keys, values = kept_entries()
    assert len(keys) == 1 and values[0] is not None
    kept = repr(values[0]) + repr(offer._memo[keys[0]].chunks) + repr(offer._memo[keys[0]].slots)
    assert "/candidatures/" not in kept and "Voir ma candidature" not in kept
    assert candidature.dossier.user.email not in kept


def test_search_is_drawn_live_and_follows_changes(client, campaign):
    centre = CentreFactory(name="Service de la formation continue")
    reprise = ProgrammeFactory(campaign=campaign, centre=centre, title="Reprise des études")
    ProgrammeFactory(campaign=campaign, title="Master Histoire")
    page(client)  # the whole listing kept
    found = page(client, q="reprise continue")
    assert "Reprise des études" in found and "Master Histoire" not in found
    Programme.objects.filter(pk=reprise.pk).update(title="Reprise d'études")  # no signal
    assert "Reprise d&#x27;études" in page(client, q="reprise")
    assert "No programme" not in page(client, q="zzz") and "Aucune formation" in page(
        client, q="zzz"
    )
    assert len(kept_entries()[0]) == 1  # searches are not kept


def test_kept_and_fresh_listings_are_the_same_html(client, campaign):
    """Drawn, then from this process's memory, then from the shared cache: the same page."""
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    history = ProgrammeFactory(campaign=campaign, title="Master Histoire", open=True)
    ProgrammeFactory(campaign=campaign, title="Licence Géographie", future=True)
    ProgrammeFactory(campaign=campaign, title="DU Archives", closed=True)
    mine = CandidatureFactory(programme=history)
    for visitor in (client, english):
        visitor.force_login(mine.dossier.user)
        drawn = page(visitor)
        memorised = page(visitor)
        offer.forget_memo()
        shared = page(visitor)
        cache.clear()
        offer.forget_memo()

        def without_tokens(html):
            return re.sub(r'value="[^"]{40,}"', "", html)

        assert without_tokens(drawn) == without_tokens(memorised) == without_tokens(shared)


def test_query_counts(client, campaign, django_assert_num_queries):
    """Anonymous: the campaign (with the listing's version), plus the programmes when the
    listing is drawn. A candidate: their session and account, and their applications."""
    centres = [CentreFactory(), CentreFactory()]
    for n in range(5):
        ProgrammeFactory(campaign=campaign, centre=centres[n % 2])
    with django_assert_num_queries(2):
        page(client)
    with django_assert_num_queries(1):
        page(client)
    candidature = CandidatureFactory(programme=Programme.objects.first())
    client.force_login(candidature.dossier.user)
    with django_assert_num_queries(3):
        page(client)
    offer.forget_memo()
    with django_assert_num_queries(3):  # from the shared cache
        page(client)
    cache.clear()
    client.force_login(candidature.dossier.user)
    offer.forget_memo()
    with django_assert_num_queries(4):
        page(client)
    with django_assert_num_queries(4):  # a search is drawn each time
        page(client, q="Master")


def test_the_page_works_without_redis(client, campaign, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "ecandidat.cache.TolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    ProgrammeFactory(campaign=campaign, title="Master Histoire", open=True)
    assert "Master Histoire" in page(client)
    offer.forget_memo()
    programme = Programme.objects.get()
    programme.title = "Master Philosophie"
    programme.save()
    html = page(client)
    assert "Master Philosophie" in html and "Master Histoire" not in html


def test_no_campaign_and_no_programme(client):
    assert "Aucune campagne" in page(client)
    CampaignFactory(is_active=True)
    html = page(client)
    assert "Aucune formation n'est proposée pour l'instant." in html or "Aucune formation" in html
    assert "<details" not in html


def test_centre_changes_reach_every_campaign(campaign):
    other = CampaignFactory(archived=True)
    before = dict(Campaign.objects.values_list("pk", "offer_version"))
    Centre.objects.get(pk=CentreFactory().pk).save()
    after = dict(Campaign.objects.values_list("pk", "offer_version"))
    assert before[campaign.pk] != after[campaign.pk] and before[other.pk] != after[other.pk]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_period_reads_as_the_template_wrote_it(client, campaign, language, settings):
    """The period is written in Python now: the same text as {% blocktranslate %} with two
    |date gave, in each language and in the site's time zone (dates chosen across a DST
    change and with escaping-prone formats)."""
    from django.template import Context, Template
    from django.utils import translation

    settings.TIME_ZONE = "Europe/Paris"
    programme = ProgrammeFactory(campaign=campaign, title="Master Histoire")
    programme.opens_at = timezone.now().replace(month=3, day=1, hour=23, minute=30)
    programme.closes_at = programme.opens_at + timedelta(days=60)
    programme.save()
    old = Template(
        "{% load i18n %}{% blocktranslate with "
        'start=programme.opens_at|date:"SHORT_DATETIME_FORMAT" '
        'end=programme.closes_at|date:"SHORT_DATETIME_FORMAT" %}'
        "from {{ start }} to {{ end }}{% endblocktranslate %}"
    )
    with translation.override(language):
        expected = old.render(Context({"programme": programme}))
    html = page(Client(HTTP_ACCEPT_LANGUAGE=language))
    assert f"<td>{expected}</td>" in row(html, "Master Histoire")


def test_the_compiled_reads_answer_as_the_orm(campaign):
    """The offer's two reads (``ecandidat.prepared``): the active campaign, and the
    candidate's applications of that campaign (a cancelled one too), none of another campaign
    or person."""
    from candidatures import selectors

    assert selectors.active_campaign() == Campaign.objects.filter(is_active=True).first()
    dossier = DossierFactory()
    programme = ProgrammeFactory(campaign=campaign)
    first = CandidatureFactory(dossier=dossier, programme=programme, cancelled=True)
    other = CandidatureFactory(dossier=dossier, programme__campaign=campaign)
    CandidatureFactory(dossier=dossier, programme__campaign=CampaignFactory(archived=True))
    CandidatureFactory(programme=programme)  # someone else's
    expected = dict(
        selectors.candidatures_of(dossier.user)
        .filter(programme__campaign=campaign)
        .values_list("programme_id", "pk")
    )
    assert selectors.applied_programmes(dossier.user, campaign) == expected
    assert expected == {programme.pk: first.pk, other.programme_id: other.pk}
    Campaign.objects.update(is_active=False)
    assert selectors.active_campaign() is None


def test_a_listing_kept_by_another_release_is_never_served(client, campaign, monkeypatch):
    """A deployment that changes the listing's template, its translations or the code that
    writes it: what the previous release kept in Redis (same campaign, same offer version)
    was served until a programme changed, up to six hours."""
    ProgrammeFactory(campaign=campaign, title="Master Histoire", open=True)
    monkeypatch.setattr(offer, "release_id", lambda: "release-1")
    assert "Master Histoire" in page(client)
    campaign.refresh_from_db()
    key = offer.listing_key(campaign)
    chunks, slots, valid_until = cache.get(key)
    cache.set(key, (tuple(c.replace("Master", "Ancien") for c in chunks), slots, valid_until))
    offer.forget_memo()
    assert "Ancien Histoire" in page(client)  # the same release reads what it kept
    offer.forget_memo()
    monkeypatch.setattr(offer, "release_id", lambda: "release-2")
    html = page(client)
    assert "Master Histoire" in html and "Ancien" not in html
