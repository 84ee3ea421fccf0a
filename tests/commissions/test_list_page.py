"""The reviewer list's page (selectors.list_page, reviewer_sittings, commissions.rows) against
the list as it was: the ORM's query of every row with its four opinion subqueries, Django's
Paginator and the template's own loop (``rows.rows_written`` off). Every sort, the filters
alone and together, pages in and out of range, FR and EN: the same HTML; the same rows in
the same order as ``reviewed_applications`` (previous/next and the exports still use it);
nobody sees more than ``Candidature.objects.for_reviewer``."""

from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone, translation

from candidatures.models import Candidature
from commissions import rows, selectors
from commissions.services import opinion_save
from tests.factories import CandidatureFactory, ProgrammeFactory, UserFactory, commission_with
from tests.rendered import masked as _masked

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowded(commission, programme, listed_programme, member, president):
    """58 applications over the commission's two programmes (two pages): names that tie
    (the first name and then the id decide), every kind of decision, published or not, a
    rank, an answer; opinions with scores, a comment without a score, averages that tie."""
    made = []
    for n in range(58):
        made.append(
            CandidatureFactory(
                programme=programme if n % 3 else listed_programme,
                complete=True,
                dossier__user__last_name=["Martin", "Bernard", "Dubois", "Éloi"][n % 4],
                dossier__user__first_name=["Léa", "Hugo", ""][n % 3],
            )
        )
    decisions = ["favourable", "unfavourable", "waitlisted", "preselected"]
    for n, candidature in enumerate(made[:24]):
        fields = {"decision": decisions[n % 4]}
        if fields["decision"] == "waitlisted":
            fields["waitlist_rank"] = n + 1
        if n % 2:
            fields["decision_published_at"] = timezone.now()
        if n == 1:  # confirmed: a published favourable decision
            fields = {"decision": "favourable", "decision_published_at": timezone.now()}
            fields.update(answer="confirmed", answered_at=timezone.now())
        Candidature.objects.filter(pk=candidature.pk).update(**fields)
    for n, candidature in enumerate(made[10:40]):
        opinion_save(actor=president, candidature=candidature, score=(n * 7) % 21, comment="")
        if n % 3 == 0:
            opinion_save(actor=member, candidature=candidature, score=(n * 5) % 21)
        elif n % 3 == 1:
            opinion_save(actor=member, candidature=candidature, score=None, comment="À revoir")
    other = UserFactory()
    commission.memberships.create(user=other)
    opinion_save(actor=other, candidature=made[12], score=None, comment="Vu")
    return made


CASES = [
    *({"sort": sort} for sort in selectors.SORTS),
    {"sort": "unknown"},
    {"page": "2"},
    {"page": "3"},  # past the last page: the last one
    {"page": "0"},
    {"page": "-1"},
    {"page": "abc"},
    {"page": "1.0"},
    {"decision": "pending", "sort": "-submitted"},
    {"decision": "unpublished", "sort": "score"},
    {"decision": "waitlisted", "sort": "-name"},
    {"decision": "nonsense"},
    {"min_score": "10", "sort": "-score"},
    {"min_score": "abc"},
    {"without_my_opinion": "on", "sort": "programme"},
    {"without_my_opinion": "on", "min_score": "7", "decision": "unpublished", "sort": "number"},
    {"min_score": "20", "page": "2"},  # nothing from there, nothing at all
    {"decision": "preselected", "page": "5"},
]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_sort_filter_and_page_is_the_list_as_it_was(
    client, crowded, programme, member, monkeypatch, language
):
    client.force_login(member)
    url, headers = reverse("commissions:list"), {"HTTP_ACCEPT_LANGUAGE": language}
    for params in [*CASES, {"programme": str(programme.pk), "sort": "score"}]:
        ours = client.get(url, params, **headers)
        monkeypatch.setattr(rows, "rows_written", False)
        reference = client.get(url, params, **headers)
        monkeypatch.setattr(rows, "rows_written", True)
        assert ours.status_code == reference.status_code == 200
        assert ours.context["rows_html"] or not reference.context["page"].object_list, params
        assert _masked(ours.content.decode()) == _masked(reference.content.decode()), params


def test_the_page_holds_the_rows_of_the_old_query_in_its_order(crowded, member):
    for params in CASES:
        filters = selectors.Filters(
            decision=params.get("decision", ""),
            min_score=int(params["min_score"]) if params.get("min_score", "x").isdigit() else None,
            without_my_opinion=bool(params.get("without_my_opinion")),
            sort=params.get("sort", selectors.DEFAULT_SORT),
        )
        old = list(selectors.reviewed_applications(member, filters))
        page = selectors.list_page(member, filters, params.get("page"))
        assert page.paginator.count == len(old), params
        start = (page.number - 1) * selectors.PAGE_SIZE
        expected = old[start : start + selectors.PAGE_SIZE]
        assert [r.pk for r in page.object_list] == [c.pk for c in expected], params
        for row, candidature in zip(page.object_list, expected, strict=True):
            assert row.average_score == candidature.average_score
            assert row.opinion_count == (candidature.opinion_count or 0)
            assert row.my_score == candidature.my_score
            assert row.has_my_opinion == candidature.has_my_opinion


def test_nobody_sees_more_than_for_reviewer(client, crowded, member, president, outsider):
    everything = selectors.Filters()
    for user in (member, president, outsider, UserFactory()):
        page = selectors.list_page(user, everything, 1)
        seen = {r.pk for r in page.object_list}
        scope = set(Candidature.objects.for_reviewer(user).values_list("pk", flat=True))
        assert seen <= scope and page.paginator.count == len(scope)
    assert selectors.list_page(outsider, everything, 1).paginator.count == 1
    client.force_login(UserFactory())
    assert client.get(reverse("commissions:list")).status_code == 404


def test_without_the_authenticator_the_list_shows_nothing(settings, crowded, member):
    settings.STAFF_MFA_REQUIRED = True
    page = selectors.list_page(member, selectors.Filters(), 1)
    assert page.paginator.count == 0 and page.object_list == []


def test_the_sittings_are_the_memberships_and_programmes_the_orm_found(db):
    """Two commissions of two centres, president of one, a programme examined by both, a
    commission examining nothing yet: the header's memberships (by name) and the programmes
    (by code, presided where one of the commissions is presided) are the ORM's."""
    from django.db.models import Exists, OuterRef

    from candidatures.models import Programme
    from commissions.models import CommissionMember

    user = UserFactory()
    shared, mine, theirs = (ProgrammeFactory(code=c) for c in ("B-SHARED", "A-MINE", "C-THEIRS"))
    commission_with(shared, mine, presidents=[user], name="Zoologie")
    commission_with(shared, theirs, members=[user], name="Arts")
    commission_with(members=[user], name="Musique", centre=shared.centre)
    commission_with(ProgrammeFactory(code="D-NOT-MINE"), members=[UserFactory()], name="Autre")
    memberships, programmes = selectors.reviewer_sittings(user)
    expected = CommissionMember.objects.filter(user=user).order_by("commission__name")
    assert [(m.commission.name, m.is_president) for m in memberships] == [
        (m.commission.name, m.is_president) for m in expected
    ]
    presided = CommissionMember.objects.filter(
        user=user, is_president=True, commission__programmes=OuterRef("pk")
    )
    orm = (
        Programme.objects.filter(commissions__memberships__user=user)
        .annotate(presided=Exists(presided))
        .distinct()
        .order_by("code")
    )
    assert [(p.pk, str(p), p.presided) for p in programmes] == [
        (p.pk, str(p), p.presided) for p in orm
    ]
    assert selectors.reviewer_sittings(UserFactory()) == ([], [])
    assert selectors.is_member(user) and not selectors.is_member(UserFactory())


@pytest.mark.parametrize("language", ["fr", "en"])
def test_one_decimal_is_floatformat_for_every_average(language):
    """Every average of up to 12 opinions (0 to 20 each), as the ORM's float gives it."""
    from django.utils import formats

    with translation.override(language):
        separator = formats.get_format("DECIMAL_SEPARATOR")
        for count in range(1, 13):
            for total in range(0, 20 * count + 1):
                value = float(Decimal(total) / Decimal(count))
                assert rows.one_decimal(value, separator) == floatformat(value, 1), value
        for number in (0, 7, 20, 999, 1000, 12345):
            assert rows._number(number) == rows._e(number)


def test_the_reasons_offered_are_the_selects(db):
    from commissions.models import UnfavourableReason

    UnfavourableReason.objects.create(label_fr="Hors délai", label_en="Late", order=2)
    UnfavourableReason.objects.create(label_fr="Complet", label_en="Full", order=1)
    UnfavourableReason.objects.create(label_fr="Ancien", label_en="Old", is_active=False)
    for language in ("fr", "en"):
        with translation.override(language):
            assert selectors.offered_reason_choices() == tuple(
                (r.pk, str(r)) for r in selectors.offered_reasons()
            )
