"""The access matrix: every URL of a candidate's objects (dossier sections and lines, the
applications and their actions, documents, the PDF copy, messages and the admission letter)
and the admin pages of those objects, tried by everybody who is not their owner, with GET and
POST. Each attempt must be refused (404, 403, or a redirect to the sign-in or home page), show
none of the owner's data, and change none of the owner's rows.

Commission members: a member of another commission is one more actor of both walks, and a third
walk tries every reviewer URL (the application's page and its actions, its documents, the full
dossier, the exports and their downloads) pointing at an application another commission
examines, as that member, candidates, another centre's staff and anonymous visitors."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.urls import reverse

from commissions.models import Opinion
from exports.models import Audience, Export
from tests.factories import (
    CandidatureFactory,
    CentreFactory,
    PieceFactory,
    UserFactory,
    centre_staff,
    commission_with,
)
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
    # Sits on a commission (with its TOTP) examining another programme, with its own work.
    "member of another commission": lambda world: other_commission_member(),
}


def with_totp(user):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user


def other_commission_member():
    other = CandidatureFactory(complete=True)
    user = with_totp(UserFactory())
    commission_with(other.programme, members=[user], name="Autre commission")
    return user


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
        reverse("commissions:list"),  # a commission member's place, their own list
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


class ReviewedWorld(World):
    """The owner's objects, plus what the reviewer doors name: a complete application examined
    by the owner's commission, with a document, a member's opinion and that member's commission
    export (a finished file)."""

    COMMENT = "Zyxwvut opinion of the owners commission"
    EXPORT_BYTES = b"Zyxwvut commission export bytes"

    def __init__(self):
        super().__init__()
        self.complete = CandidatureFactory(dossier=self.dossier, complete=True)
        self.member = with_totp(UserFactory())
        commission_with(self.complete.programme, presidents=[self.member], name="Commission A")
        self.complete_piece = PieceFactory(
            candidature=self.complete, file__data=b"%PDF-1.4 the candidate's transcript"
        )
        self.opinion = Opinion.objects.create(
            candidature=self.complete,
            author=self.member,
            score=14,
            comment=self.COMMENT,
            updated_at=self.complete.created_at,
        )
        self.export = Export.objects.create(
            owner=self.member,
            audience=Audience.COMMISSION,
            kind="csv",
            status="done",
            candidature_ids=[self.complete.pk],
            filename="candidatures.csv",
        )
        self.export.file.save("candidatures.csv", ContentFile(self.EXPORT_BYTES))

    def secrets(self):
        return (*super().secrets(), self.COMMENT, self.EXPORT_BYTES.decode())

    def state(self):
        return (
            super().state(),
            list(Opinion.objects.filter(candidature=self.complete).values()),
            list(Export.objects.order_by("pk").values("pk", "owner", "status", "file")),
        )

    def reviewer_urls(self) -> list[str]:
        """Every reviewer route, with the objects above; and the back office's download door
        of the commission's export."""
        values = {
            "commissions:export_download": {"pk": self.export.pk},
            "commissions:piece": {"piece_pk": self.complete_piece.pk},
        }
        urls = [reverse("exports:download", kwargs={"pk": self.export.pk})]
        for route in every_route():
            if not route.route.startswith("commission/"):
                continue
            kwargs = values.get(route.name, {"pk": self.complete.pk} if route.kwargs else {})
            urls.append(reverse(route.name, kwargs=kwargs))
        return urls


REVIEWER_ACTORS = {
    "member of another commission": lambda world: other_commission_member(),
    "the candidate": lambda world: world.user,
    "another candidate": lambda world: complete_dossier().user,
    "staff of another centre": lambda world: gestionnaire(CentreFactory()),
    "staff of the owner's centre": lambda world: gestionnaire(*world.centres),
    "anonymous": lambda world: None,
}


def test_the_owners_commission_reaches_every_reviewer_url(client, settings):
    """The control of the walk below: the member of the owner's commission gets each page."""
    settings.STAFF_MFA_REQUIRED = True
    world = ReviewedWorld()
    client.force_login(world.member)
    urls = world.reviewer_urls()[1:]  # the back office's door is not theirs
    assert len(urls) >= 11
    for url in urls:
        assert client.get(url).status_code in (200, 302, 405), url
    response = client.get(reverse("commissions:detail", args=[world.complete.pk]))
    assert world.COMMENT in response.content.decode()
    download = client.get(reverse("commissions:export_download", args=[world.export.pk]))
    assert b"".join(download.streaming_content) == world.EXPORT_BYTES


@pytest.mark.parametrize("actor_name", list(REVIEWER_ACTORS))
def test_nobody_else_reaches_a_commissions_doors(client, settings, actor_name):
    settings.STAFF_MFA_REQUIRED = True
    world = ReviewedWorld()
    before = world.state()
    actor = REVIEWER_ACTORS[actor_name](world)
    if actor is not None:
        client.force_login(actor)
    attempts, failures = 0, []
    for url in world.reviewer_urls():
        for method in ("get", "post"):
            attempts += 1
            response = getattr(client, method)(url)
            text = body(response)
            leaked = [secret for secret in world.secrets() if secret in text]
            own_list = url == reverse("commissions:list") and response.status_code == 200
            own_exports = url == reverse("commissions:exports") and response.status_code == 200
            if not (refused(response) or own_list or own_exports) or leaked:
                failures.append(f"{method.upper()} {url} -> {response.status_code} {leaked}")
    assert world.state() == before, "an attempt changed the commission's or the owner's data"
    print(
        f"\naccess matrix, reviewer pages, {actor_name}: {attempts} tried, {len(failures)} got in"
    )
    assert attempts >= 24
    assert not failures, "\n".join(failures)
