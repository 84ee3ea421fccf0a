"""Staff screens: the offer is edited with its date rules; applications are read-only and
change only through the workflow's actions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from candidatures.models import (
    PROGRAMME_DATES,
    BulkOperation,
    Candidature,
    CandidatureTransition,
    Centre,
    Programme,
)
from tests.factories import (
    CampaignFactory,
    CandidatureFactory,
    CentreFactory,
    ProgrammeFactory,
    UserFactory,
)
from tests.rendered import masked as _masked

pytestmark = pytest.mark.django_db

DATE_NAMES = [*PROGRAMME_DATES, "confirmation_deadline"]
CHANGELIST = reverse("admin:candidatures_candidature_changelist")


@pytest.fixture
def admin_user(db):
    return UserFactory(staff=True)


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_changelist_shows_french_statuses_in_few_queries(staff_client, django_assert_num_queries):
    CandidatureFactory(received=True)
    CandidatureFactory.create_batch(5, incomplete=True)
    # The user, the campaigns, centres and programmes offered by the filters, the count, the
    # page's rows (one values() query).
    with django_assert_num_queries(6):
        response = staff_client.get(CHANGELIST)
    page = response.content.decode()
    assert "Réceptionné" in page
    assert page.count("Incomplet") >= 5
    assert "Déclarer complet" in page


def test_changelist_in_english(staff_client):
    CandidatureFactory(received=True)
    page = staff_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Received" in page
    assert "Mark complete" in page


def test_mark_complete_action_is_queued_and_goes_through_the_workflow(
    staff_client, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    """The request only records the selection; the task runs the workflow one application
    at a time as the staff member, and its result (refusals by name) stays readable."""
    ready = CandidatureFactory(received=True)
    draft = CandidatureFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST,
            {"action": "mark_complete", "_selected_action": [ready.pk, draft.pk]},
            follow=True,
        )
    assert "2 candidatures en file d’attente." in response.content.decode()
    ready.refresh_from_db()
    draft.refresh_from_db()
    assert (ready.status, draft.status) == ("complete", "draft")
    transition = CandidatureTransition.objects.get()
    assert (transition.actor, transition.actor_kind, transition.event) == (
        admin_user,
        "staff",
        "mark_complete",
    )
    assert [m.to for m in mailoutbox] == [[ready.dossier.user.email]]
    operation = BulkOperation.objects.get()
    assert (operation.state, operation.done) == ("done", 1)
    page = staff_client.get(
        reverse("admin:candidatures_bulkoperation_change", args=[operation.pk])
    ).content.decode()
    assert str(draft) in page and "n’est pas possible à cette étape" in page


def test_bulk_action_costs_the_same_queries_for_20_and_200(
    staff_client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """209 queries for 20 applications when the request ran the workflow row by row; now a
    constant: the selection is recorded and the task queued after commit."""
    counts = []
    for size in (20, 200):
        ids = [c.pk for c in CandidatureFactory.create_batch(size, received=True)]
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=False),
        ):
            staff_client.post(CHANGELIST, {"action": "mark_complete", "_selected_action": ids})
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 14, counts


def test_mark_incomplete_asks_for_an_optional_comment(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    candidature = CandidatureFactory(received=True)
    data = {"action": "mark_incomplete", "_selected_action": [candidature.pk]}
    page = staff_client.post(CHANGELIST, data).content.decode()
    assert "pièces refusées avec leur motif" in page
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            CHANGELIST, {**data, "apply": "1", "comment": "Relevé de notes illisible"}
        )
    candidature.refresh_from_db()
    assert (candidature.status, candidature.incomplete_comment) == (
        "incomplete",
        "Relevé de notes illisible",
    )


def test_application_page_is_read_only_with_its_transitions(
    staff_client, django_assert_max_num_queries
):
    candidature = CandidatureFactory(received=True)
    for event in ("create", "submit", "cancel"):
        CandidatureTransition.objects.create(
            candidature=candidature,
            event=event,
            actor=UserFactory(),
            actor_kind="candidate",
            from_state="draft",
            to_state="received",
            at=timezone.now(),
        )
    url = reverse("admin:candidatures_candidature_change", args=[candidature.pk])
    # Not one per transition's actor (the exact count: tests/candidatures/test_backoffice.py).
    with django_assert_max_num_queries(17):
        page = staff_client.get(url).content.decode()
    # The history in words (the events' and stages' labels), never the raw codes.
    assert "Transmise" in page and "Candidature créée" in page
    assert "submit:" not in page and "draft →" not in page
    assert 'name="_save"' not in page
    staff_client.post(url, {"status": "complete"})
    candidature.refresh_from_db()
    assert candidature.status == "received"
    assert staff_client.get(reverse("admin:candidatures_candidature_add")).status_code == 403


def _programme_form(centre, campaign, **dates):
    return {
        "campaign": campaign.pk,
        "centre": centre.pk,
        "code": "DAEU-A",
        "title": "DAEU A",
        "description": "",
        "capacity": "40",
        "optional_sections": ["external_cursus", "internships"],
        # split date/time widgets, empty: the centre's defaults apply
        **{f"{name}_{part}": "" for name in DATE_NAMES for part in (0, 1)},
        "confirmation_days": "",
        **dates,
    }


def test_new_programme_takes_the_centre_defaults(staff_client):
    start = timezone.now().replace(microsecond=0)
    centre = CentreFactory(
        default_opens_at=start,
        default_closes_at=start + timedelta(days=30),
        default_return_deadline=start + timedelta(days=40),
        default_jury_at=start + timedelta(days=50),
        default_publication_at=start + timedelta(days=55),
        default_confirmation_days=8,
    )
    response = staff_client.post(
        reverse("admin:candidatures_programme_add"),
        _programme_form(centre, CampaignFactory()),
    )
    assert response.status_code == 302, response.content.decode()
    programme = Programme.objects.get(code="DAEU-A")
    assert programme.closes_at == start + timedelta(days=30)
    assert programme.confirmation_days == 8
    assert programme.optional_sections == ["external_cursus", "internships"]


def test_programme_dates_out_of_order_are_refused(staff_client):
    centre = CentreFactory()
    response = staff_client.post(
        reverse("admin:candidatures_programme_add"),
        _programme_form(
            centre,
            CampaignFactory(),
            opens_at_0="01/03/2027",
            opens_at_1="09:00",
            closes_at_0="01/02/2027",
            closes_at_1="09:00",
            return_deadline_0="01/04/2027",
            return_deadline_1="09:00",
            jury_at_0="01/05/2027",
            jury_at_1="09:00",
            publication_at_0="01/06/2027",
            publication_at_1="09:00",
            confirmation_days="8",
        ),
    )
    page = response.content.decode()
    assert "Cette date doit suivre « ouverture des candidatures »." in page
    assert not Programme.objects.filter(code="DAEU-A").exists()


def test_archived_campaign_programmes_are_read_only(staff_client):
    programme = ProgrammeFactory(campaign=CampaignFactory(archived=True), title="Ancien DU")
    url = reverse("admin:candidatures_programme_change", args=[programme.pk])
    page = staff_client.get(url).content.decode()
    assert "Ancien DU" in page
    assert 'name="_save"' not in page
    staff_client.post(url, {"title": "Modifié"})
    programme.refresh_from_db()
    assert programme.title == "Ancien DU"
    assert not Candidature.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
def test_changelist_checkbox_is_the_one_django_renders(language):
    """The scoped admins write the action checkbox directly (the widget went through the DSFR
    form renderer on every row): the HTML must stay exactly Django's."""
    from django.contrib import admin as django_admin
    from django.utils import translation

    candidature = CandidatureFactory()
    model_admin = django_admin.site._registry[type(candidature)]
    with translation.override(language):
        ours = model_admin.action_checkbox(candidature)
        django = django_admin.ModelAdmin.action_checkbox(model_admin, candidature)
    assert ours == django
    assert 'class="action-select"' in ours


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"o": "-5.2", "status__exact": "incomplete"},
        {"q": "Ürsül"},
        {"refused": "yes", "programme__centre__id__exact": "{centre}"},
        {"programme__id__exact": "{programme}", "status__exact": "received", "q": "Ürsül &"},
        {"programme__centre__id__exact": "{centre}", "q": "<b>Ürsül &"},
    ],
    ids=["plain", "sorted-filtered", "search", "refused", "programme", "hostile-search"],
)
def test_changelist_rows_are_the_ones_django_renders(staff_client, monkeypatch, language, params):
    """The rows come from a values() query and are written directly
    (candidatures.changelist), the scoped filters' choices are read and linked more cheaply
    (ecandidat.scoping): the page, links with the preserved filters included, must be byte for
    byte the one Django's ChangeList, items_for_result and RelatedFieldListFilter render."""
    from candidatures.changelist import LeanChangeList

    hostile = "<b>Ürsül & \"Co\" 'x'</b>"
    centre = CentreFactory()
    programme = ProgrammeFactory(centre=centre, title=f"Licence {hostile}")
    params = {
        key: value.format(centre=centre.pk, programme=programme.pk) for key, value in params.items()
    }
    CandidatureFactory(programme=programme, received=True, dossier__user__last_name=hostile)
    CandidatureFactory(programme=programme, incomplete=True, dossier__user__first_name="")
    CandidatureFactory.create_batch(2, incomplete=True)
    draft = CandidatureFactory(draft=True, programme=programme)  # not submitted: "-"
    from tests.factories import PieceFactory

    PieceFactory.create_batch(2, candidature=draft, status="refused")
    headers = {"HTTP_ACCEPT_LANGUAGE": language}

    response = staff_client.get(CHANGELIST, params, **headers)
    assert type(response.context["cl"]) is LeanChangeList
    assert response.context["cl"].lean
    ours = response.content.decode()
    from tests.candidatures.changelist_reference import use_djangos_changelist

    use_djangos_changelist(monkeypatch)
    django = staff_client.get(CHANGELIST, params, **headers).content.decode()
    assert _masked(ours) == _masked(django)
    assert "_changelist_filters" in ours or not params
    assert ours.count('class="action-select"') >= 1


def test_changelist_rows_keep_django_rendering_in_a_popup(staff_client):
    """What the lean rows do not know (a popup's data-popup-opener links) stays Django's."""
    candidature = CandidatureFactory(received=True)
    response = staff_client.get(CHANGELIST, {"_popup": "1"})
    assert not response.context["cl"].lean
    assert f'data-popup-opener="{candidature.pk}"' in response.content.decode()


def test_filter_labels_are_the_objects_names(admin_user):
    """The filters read the centres' and programmes' labels without building them: the same
    as ``str()``, in the same order."""
    ProgrammeFactory.create_batch(3)
    for model in (Centre, Programme):
        scoped = model.objects.for_staff(admin_user)
        assert scoped.choice_labels() == [(obj.pk, str(obj)) for obj in scoped]
        assert len(scoped.choice_labels()) == 3


def test_changelist_page_is_read_from_the_newest_first_index(staff_client):
    """The list's rows (newest first, 50 a page) come from an index walk, not from joining and
    sorting every application: at 28,500 applications the sort took 25 ms a page, and it grows
    with the campaign. The plan is asked with sorting discouraged, so the test reads whether
    an index can give the order at all (PostgreSQL prefers a sort for the few rows here)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    CandidatureFactory.create_batch(3, received=True)
    with CaptureQueriesContext(connection) as queries:
        assert staff_client.get(CHANGELIST).status_code == 200
    newest_first = 'ORDER BY "candidatures_candidature"."created_at" DESC'
    rows = [q["sql"] for q in queries if newest_first in q["sql"]]
    assert rows, "the page's rows query was not found"
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + rows[-1])
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "candidature_newest_first" in plan, plan
