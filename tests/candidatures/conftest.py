import pytest
from django.contrib.auth.models import Permission

from candidatures.models import ActorKind
from dossiers.models import Address, Baccalaureate, BacKind
from tests.factories import (
    DossierFactory,
    PersonalInfoFactory,
    ProgrammeFactory,
    UserFactory,
    commission_with,
)


@pytest.fixture
def staff_user(db):
    """A central administrator (« scolarité centrale »): staff over every centre."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="manage_all_centres"))
    return user


@pytest.fixture
def commission_member(db):
    """A reviewer: not staff, president of a commission; ``examines(programme)`` puts a
    programme in the commission's hands (the workflow checks the member's scope)."""
    user = UserFactory()
    commission = commission_with(ProgrammeFactory(), presidents=[user])
    user.examines = lambda *programmes: commission.programmes.add(*programmes)
    return user


@pytest.fixture
def actor_of(staff_user, commission_member):
    """The user acting as ``kind`` on ``candidature`` (None: the system)."""

    def actor(kind, candidature):
        commission_member.examines(candidature.programme)
        return {
            ActorKind.CANDIDATE: candidature.dossier.user,
            ActorKind.STAFF: staff_user,
            ActorKind.COMMISSION: commission_member,
            ActorKind.SYSTEM: None,
        }[kind]

    return actor


def fill_sections_to_apply(dossier):
    PersonalInfoFactory(dossier=dossier)
    Address.objects.create(dossier=dossier, line1="5 allées Antonio Machado")
    Baccalaureate.objects.create(dossier=dossier, kind=BacKind.NONE)
    return dossier


@pytest.fixture
def ready_dossier(db):
    """A dossier with the sections needed to apply."""
    return fill_sections_to_apply(DossierFactory())
