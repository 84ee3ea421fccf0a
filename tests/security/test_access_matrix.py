"""The access matrix: every URL of a candidate's objects (dossier sections and lines, the
applications and their actions, documents, the PDF copy, messages and the admission letter)
and the admin pages of those objects, tried by everybody who is not their owner, with GET and
POST. Each attempt must be refused (404, 403, or a redirect to the sign-in or home page), show
none of the owner's data, and change none of the owner's rows.

Rows for commission members come with the commission pages (commissions is still empty)."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import CentreFactory, centre_staff
from tests.pieces.helpers import complete_dossier

from .routes import World, every_route

pytestmark = pytest.mark.django_db

ADMIN_MODELS = ("candidature", "piece", "dossier", "user", "outbox")


def gestionnaire(*centres, totp=True):
    """Centre staff with every admin permission on the candidates' objects, so that only the
    centre scoping (and the TOTP) stands between them and another centre's rows."""
    user = centre_staff(*centres, totp=totp)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__model__in=ADMIN_MODELS,
            codename__regex=r"^(view|change|delete)_",
        )
    )
    return user


ACTORS = {
    "anonymous": lambda world: None,
    "another candidate": lambda world: complete_dossier().user,
    "staff of another centre": lambda world: gestionnaire(CentreFactory()),
    # The owner's own centres: the missing TOTP is the only thing between them and the data.
    "staff without TOTP": lambda world: gestionnaire(*world.centres, totp=False),
}


# Parameters naming public catalogue rows (a programme on offer, a document type and its blank
# form), not anybody's own object.
CATALOGUE = {"programme_pk", "type_pk"}


def candidate_urls(world):
    """(route name, URL) of every route that names one of the owner's objects."""
    for route in every_route():
        if route.route.startswith("admin/") or not route.name:
            continue
        if not set(route.kwargs) - CATALOGUE:
            continue
        kwargs = world.kwargs_for(route)
        if kwargs is not None:
            yield route.name, reverse(route.name, kwargs=kwargs)


def refused(response) -> bool:
    # 405: a POST-only action answers a GET so before loading anything, for the owner too.
    if response.status_code in (403, 404, 405):
        return True
    if response.status_code != 302:
        return False
    target = response["Location"].split("?")[0]
    return target in (
        reverse(django_settings.LOGIN_URL),
        reverse("home"),
        reverse("admin:index"),
        reverse("admin:login"),
        reverse("mfa_activate_totp"),
    )


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("latin-1")
    return response.content.decode("latin-1")


def test_the_owner_reaches_every_url_of_the_matrix(client):
    """The control: each URL really serves the owner, so a refusal below means something."""
    world = World()
    client.force_login(world.user)
    urls = list(candidate_urls(world))
    assert len(urls) >= 19
    for name, url in urls:
        assert client.get(url).status_code in (200, 302, 405), (name, url)


def test_staff_of_the_owners_centre_with_totp_reach_the_admin_pages(client, settings):
    settings.STAFF_MFA_REQUIRED = True
    world = World()
    client.force_login(gestionnaire(*world.centres))
    for model, pk in (
        ("candidatures_candidature", world.draft.pk),
        ("pieces_piece", world.piece.pk),
    ):
        response = client.get(reverse(f"admin:{model}_change", args=[pk]))
        assert response.status_code == 200, model
    response = client.get(reverse("pieces:download", args=[world.piece.pk]))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 the candidate's transcript"


@pytest.fixture
def matrix(client, settings):
    settings.STAFF_MFA_REQUIRED = True

    def run(actor_name, doors):
        world = World()
        owner_state = world.state()
        actor = ACTORS[actor_name](world)
        client.logout()
        if actor is not None:
            client.force_login(actor)
        urls = (
            [url for _name, url in candidate_urls(world)]
            if doors == "candidate pages"
            else world.admin_urls()
        )
        attempts, failures = 0, []
        for url in urls:
            for method in ("get", "post"):
                attempts += 1
                response = getattr(client, method)(url)
                text = body(response)
                leaked = [secret for secret in world.secrets() if secret in text]
                if not refused(response) or leaked:
                    failures.append(f"{method.upper()} {url} -> {response.status_code} {leaked}")
        assert world.state() == owner_state, "an attempt changed the owner's data"
        return attempts, failures

    return run


@pytest.mark.parametrize("actor_name", list(ACTORS))
def test_nobody_else_reaches_a_candidates_objects(matrix, actor_name):
    attempts, failures = matrix(actor_name, "candidate pages")
    print(
        f"\naccess matrix, candidate pages, {actor_name}: {attempts} tried, {len(failures)} got in"
    )
    assert attempts >= 38
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("actor_name", list(ACTORS))
def test_nobody_else_reaches_the_admin_pages_of_a_candidates_objects(matrix, actor_name):
    attempts, failures = matrix(actor_name, "admin pages")
    print(f"\naccess matrix, admin pages, {actor_name}: {attempts} tried, {len(failures)} got in")
    assert attempts >= 36
    assert not failures, "\n".join(failures)


def test_another_candidates_lists_show_none_of_the_owners_rows(client):
    world = World()
    client.force_login(complete_dossier().user)
    for name in ("candidatures:dashboard", "dossiers:overview", "notifications:message_list"):
        text = client.get(reverse(name)).content.decode()
        assert not [secret for secret in world.secrets() if secret in text], name
