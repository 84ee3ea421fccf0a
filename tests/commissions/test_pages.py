"""The reviewer pages: the list (filters, sorting, pagination, a fixed number of queries),
one application with its whole dossier and every document in the page, previous/next through
the filtered list, opinions seen by the commission only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidatures.models import Candidature
from commissions.services import opinion_save
from dossiers.summary import dossier_summary
from tests.factories import (
    CandidatureFactory,
    ExperienceFactory,
    PieceFactory,
    PieceTypeFactory,
    UserFactory,
)
from tests.rendered import masked as _masked

pytestmark = pytest.mark.django_db


def page_of(client, **params):
    return client.get(reverse("commissions:list"), params).content.decode()


def applications(programme, count, **fields):
    return [CandidatureFactory(programme=programme, complete=True, **fields) for _ in range(count)]


@pytest.mark.parametrize("count", [50, 500])
def test_the_list_costs_the_same_queries_for_50_and_500_rows(
    client, commission, programme, member, president, count, django_assert_num_queries
):
    rows = applications(programme, count)
    for candidature in rows[:20]:
        opinion_save(actor=president, candidature=candidature, score=14, comment="Bon dossier")
        opinion_save(actor=member, candidature=candidature, score=11)
    client.force_login(member)
    # The user; the member's commissions with their programmes (the header, the filter);
    # the page's rows with their opinions and the number of rows (selectors.list_page); the
    # reasons of the selection's decision form. It was 6: the commissions, the programmes,
    # the count and the rows each had their own.
    with django_assert_num_queries(4):
        response = client.get(reverse("commissions:list"), {"sort": "-score"})
    page = response.content.decode()
    assert page.count('name="selected"') == 50
    assert "12,5/20" in page  # the average of the two opinions, French decimals


def test_filters_and_sorting(client, commission, programme, listed_programme, member, president):
    alice, bruno = (
        CandidatureFactory(programme=programme, complete=True, dossier__user__last_name=name)
        for name in ("Alvarez", "Bernard")
    )
    chloe = CandidatureFactory(
        programme=listed_programme, complete=True, dossier__user__last_name="Chevalier"
    )
    opinion_save(actor=president, candidature=bruno, score=17)
    opinion_save(actor=president, candidature=alice, score=9)
    opinion_save(actor=member, candidature=alice, score=8)
    client.force_login(member)
    page = page_of(client)
    assert page.index("ALVAREZ") < page.index("BERNARD") < page.index("CHEVALIER")
    page = page_of(client, sort="-name")
    assert page.index("CHEVALIER") < page.index("BERNARD") < page.index("ALVAREZ")
    page = page_of(client, sort="-score")
    assert page.index("BERNARD") < page.index("ALVAREZ") < page.index("CHEVALIER")
    page = page_of(client, programme=listed_programme.pk)
    assert "CHEVALIER" in page and "ALVAREZ" not in page
    page = page_of(client, min_score=10)
    assert "BERNARD" in page and "ALVAREZ" not in page and "CHEVALIER" not in page
    page = page_of(client, without_my_opinion="on")
    assert "ALVAREZ" not in page and "BERNARD" in page and "CHEVALIER" in page
    page = page_of(client, decision="pending")
    assert "3 candidatures" in page
    # A wrong filter is dropped with the others kept, never a 500.
    page = page_of(client, min_score="abc", programme=listed_programme.pk)
    assert "CHEVALIER" in page and "ALVAREZ" not in page
    del chloe


def test_pagination_keeps_the_filters(client, commission, programme, member):
    applications(programme, 55)
    client.force_login(member)
    page = page_of(client, sort="number")
    assert "Page 1 sur 2" in page
    assert "sort=number&amp;page=2" in page
    assert page_of(client, sort="number", page=2).count('name="selected"') == 5


def test_the_application_shows_every_section_and_every_document(
    client, application, member, django_assert_max_num_queries
):
    ExperienceFactory(dossier=application.dossier, employer="Clinique des Cèdres")
    pdf = PieceFactory(candidature=application, piece_type=PieceTypeFactory(label_fr="CV"))
    image = PieceFactory(
        candidature=application,
        piece_type=PieceTypeFactory(label_fr="Photo d'identité"),
        file__filename="photo.png",
        file__data=b"\x89PNG fake",
        content_type="image/png",
        original_name="photo.png",
    )
    client.force_login(member)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("commissions:detail", args=[application.pk])).content.decode()
    for section in dossier_summary(application.dossier):
        assert section.label in page
    assert "Clinique des Cèdres" in page
    assert "reviewer-piece__frame" in page
    assert f'src="{reverse("commissions:piece", args=[pdf.pk])}"' in page
    assert f'src="{reverse("commissions:piece", args=[image.pk])}"' in page
    response = client.get(reverse("commissions:piece", args=[pdf.pk]))
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    # The back office's preview's headers: one serving function for both doors.
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'self'"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert client.get(reverse("commissions:piece", args=[image.pk]))["Content-Type"] == (
        "image/png"
    )


def test_other_types_are_downloaded_not_shown(client, application, member):
    odd = PieceFactory(candidature=application, content_type="text/html", original_name="x.html")
    client.force_login(member)
    response = client.get(reverse("commissions:piece", args=[odd.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"


def test_pieces_still_being_scanned_are_not_served(client, application, member):
    scanning = PieceFactory(candidature=application, status="pending_scan")
    client.force_login(member)
    assert client.get(reverse("commissions:piece", args=[scanning.pk])).status_code == 404


def test_previous_and_next_follow_the_filtered_list(
    client, commission, programme, listed_programme, member
):
    first, second, third = (
        CandidatureFactory(programme=programme, complete=True, dossier__user__last_name=name)
        for name in ("Aubert", "Blanc", "Colin")
    )
    CandidatureFactory(programme=listed_programme, complete=True, dossier__user__last_name="Bzz")
    client.force_login(member)
    query = f"programme={programme.pk}&sort=name"
    page = client.get(f"{reverse('commissions:detail', args=[second.pk])}?{query}")
    html = page.content.decode()
    query_html = query.replace("&", "&amp;")
    assert f'href="{reverse("commissions:detail", args=[first.pk])}?{query_html}"' in html
    assert f'href="{reverse("commissions:detail", args=[third.pk])}?{query_html}"' in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert "Candidature 2 sur 3 dans la liste" in html
    last = client.get(f"{reverse('commissions:detail', args=[third.pk])}?{query}").content
    assert b'rel="next"' not in last


def test_opinions_are_read_by_the_commission_only(client, application, member, president):
    opinion_save(actor=member, candidature=application, score=13, comment="Projet solide")
    client.force_login(president)
    assert (
        "Projet solide"
        in client.get(reverse("commissions:detail", args=[application.pk])).content.decode()
    )
    client.force_login(application.dossier.user)
    page = client.get(reverse("candidatures:detail", args=[application.pk])).content.decode()
    assert "Projet solide" not in page and "13/20" not in page


def test_a_member_saves_changes_and_removes_their_opinion(client, application, member):
    client.force_login(member)
    url = reverse("commissions:opinion", args=[application.pk])
    client.post(url, {"score": "15", "comment": "Motivé", "q": "sort=name"})
    opinion = application.commission_opinions.get()
    assert (opinion.score, opinion.comment, opinion.author) == (15, "Motivé", member)
    response = client.post(url, {"score": "25"}, follow=True)
    assert "inférieure ou égale à 20" in response.content.decode()
    assert application.commission_opinions.get().score == 15
    client.post(url, {"score": "", "comment": ""})
    assert not application.commission_opinions.exists()


def test_the_list_works_with_the_keyboard_alone(client, application, member):
    """Every control is a native link, button or field with its label (no click-only
    widget); previous/next have access keys."""
    client.force_login(member)
    page = client.get(reverse("commissions:list")).content.decode()
    assert f'for="select-{application.pk}"><span class="fr-sr-only">Choisir' in page
    other = CandidatureFactory(programme=application.programme, complete=True)
    detail = client.get(reverse("commissions:detail", args=[other.pk])).content.decode()
    assert 'accesskey="p"' in detail or 'accesskey="n"' in detail


def test_a_user_with_nothing_to_examine_gets_404(client, db):
    client.force_login(UserFactory())
    assert client.get(reverse("commissions:list")).status_code == 404


def test_queries_do_not_grow_with_opinions(client, application, member, president):
    opinion_save(actor=president, candidature=application, score=10)
    client.force_login(member)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("commissions:list"))
    for user in [UserFactory() for _ in range(5)]:
        application.programme.commissions.first().memberships.create(user=user)
        opinion_save(actor=user, candidature=application, score=12)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("commissions:list"))
    assert len(more) == len(few)


def test_reviewer_pages_have_their_own_header(client, application, member, president):
    """No candidate number and no candidate tabs: the member's name and commission, their
    list and exports, sign out and the language switch."""
    client.force_login(member)
    for url in (
        reverse("commissions:list"),
        reverse("commissions:detail", args=[application.pk]),
        reverse("commissions:exports"),
    ):
        page = client.get(url).content.decode()
        header = page[page.index("<header") : page.index("</header>")]
        assert "Candidat n°" not in header and member.candidate_number not in header
        assert reverse("dossiers:overview") not in header
        assert reverse("candidatures:dashboard") not in header
        assert "Marc MEMBRE — Psycho" in " ".join(header.split())
        assert "Se déconnecter" in header and 'name="language"' in header
        assert f'href="{reverse("commissions:exports")}"' in header
    client.force_login(president)
    page = client.get(reverse("commissions:list")).content.decode()
    assert "Psycho (président(e))" in " ".join(page.split())


def test_a_member_who_is_not_a_candidate_lands_on_the_list(client, application, member):
    client.force_login(member)
    assert client.get(reverse("home"))["Location"] == reverse("commissions:list")
    response = client.get(reverse("candidatures:dashboard"))
    assert response["Location"] == reverse("commissions:list")
    # A member who is also a candidate keeps their candidate home.
    candidate = application.dossier.user
    application.programme.commissions.get().memberships.create(user=candidate)
    client.force_login(candidate)
    assert client.get(reverse("home")).status_code == 200


def test_the_sign_in_message_names_the_member_not_a_candidate_number(client, commission, member):
    response = client.post(
        reverse("account_login"),
        {"login": member.email, "password": "correct-horse-battery-staple"},
        follow=True,
    )
    text = " ".join(response.content.decode().split())
    assert response.redirect_chain[-1][0] == reverse("commissions:list")
    assert member.candidate_number not in text
    assert "Connexion avec Marc MEMBRE réussie." in text


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_filters_and_decision_fields_from_the_memo_are_the_live_ones(
    client, application, member, monkeypatch, language
):
    """The list's filters and decision fields are rendered once per language and key
    ({% memo %}: the filters' values and programmes, the reasons offered); served from the
    memo, the page is the one rendered live, and the reasons' select is the one Django's
    ModelChoiceField renders."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from commissions import views
    from commissions.forms import DecisionForm
    from commissions.models import UnfavourableReason
    from ecandidat import layout

    UnfavourableReason.objects.create(label_fr="Dossier <incomplet> & co", label_en="<Late> & co")
    client.force_login(member)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    url = reverse("commissions:list")
    for params in ({}, {"min_score": "abc", "sort": "-score", "without_my_opinion": "on"}):
        client.get(url, params, **headers)  # fills the memo
        memoised = client.get(url, params, **headers).content.decode()
        monkeypatch.setattr(layout, "memo_enabled", False)
        live = client.get(url, params, **headers).content.decode()
        monkeypatch.setattr(layout, "memo_enabled", True)
        assert _masked(memoised) == _masked(live)
    assert 'value="-score" selected' in memoised
    assert "fr-input-group--error" in memoised  # min_score=abc
    with translation.override(language):
        ours = render_to_string(
            "commissions/_decision_fields.html",
            {"form": views._bulk_decision_form()["decision_form"]},
        )
        django = render_to_string(
            "commissions/_decision_fields.html",
            {"form": DecisionForm(bulk=True, auto_id="bulk_%s")},
        )
    assert ours == django
    assert "&lt;Late&gt; &amp; co" in ours or "Dossier &lt;incomplet&gt; &amp; co" in ours


def test_a_new_or_withdrawn_reason_shows_on_the_next_list(client, application, member):
    """The memo is keyed by the reasons offered: no stale select after a change."""
    from commissions.models import UnfavourableReason

    client.force_login(member)
    assert "Capacité atteinte" not in page_of(client)
    reason = UnfavourableReason.objects.create(label_fr="Capacité atteinte", label_en="Full")
    assert "Capacité atteinte" in page_of(client)
    reason.is_active = False
    reason.save()
    assert "Capacité atteinte" not in page_of(client)


def test_a_programme_given_to_the_commission_shows_in_the_filter_next_time(
    client, application, commission, member
):
    client.force_login(member)
    assert "PSY-NEW" not in page_of(client, sort="number")
    from tests.factories import ProgrammeFactory

    commission.programmes.add(ProgrammeFactory(centre=commission.centre, code="PSY-NEW"))
    assert "PSY-NEW" in page_of(client, sort="number")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_rows_written_in_python_are_the_templates(
    client, commission, programme, listed_programme, member, president, monkeypatch, language
):
    """commissions.rows writes the list's rows; the page must be the one the template's own
    loop renders: scores, a comment without score, averages and opinion counts, every kind of
    decision, a rank, published or not, an answer, hostile names, the filters in the links."""
    from commissions import rows

    hostile = '<b>O\'Brien & "Co"</b>'
    applications(programme, 2, dossier__user__last_name=hostile, dossier__user__first_name="")
    applications(listed_programme, 1, decision="waitlisted", waitlist_rank=3)
    applications(programme, 1, decision="favourable", decision_published_at=timezone.now())
    applications(programme, 1, decision="unfavourable")
    applications(programme, 1, decision="preselected")
    answered = applications(
        programme, 1, decision="favourable", decision_published_at=timezone.now()
    )[0]
    Candidature.objects.filter(pk=answered.pk).update(
        answer="confirmed", answered_at=timezone.now()
    )
    some = Candidature.objects.filter(programme=programme).order_by("pk")
    opinion_save(actor=president, candidature=some[0], score=13, comment="Bien")
    opinion_save(actor=member, candidature=some[0], score=10)
    opinion_save(actor=member, candidature=some[1], score=None, comment="À revoir")
    opinion_save(actor=president, candidature=some[2], score=7)
    client.force_login(member)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    pages = []
    for params in ({}, {"sort": "-score", "decision": "unpublished"}):
        url = reverse("commissions:list")
        ours = client.get(url, params, **headers)
        assert ours.context["rows_html"]
        monkeypatch.setattr(rows, "rows_written", False)
        template = client.get(url, params, **headers)
        monkeypatch.setattr(rows, "rows_written", True)
        assert not template.context["rows_html"]
        assert _masked(ours.content.decode()) == _masked(template.content.decode())
        pages.append(ours.content.decode())
    assert "&lt;B&gt;O&#x27;BRIEN &amp; &quot;CO&quot;&lt;/B&gt;" in pages[0]
    assert "/20" in pages[0] and "(2 " in pages[0]
    assert "?sort=-score&amp;decision=unpublished" in pages[1] or "decision=unpublished" in pages[1]
