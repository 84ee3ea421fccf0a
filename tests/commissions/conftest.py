"""A commission of a centre examining two programmes (one with a waiting list), its president
and a member, and a member of another commission who must see none of it."""

import pytest

from tests.factories import (
    CandidatureFactory,
    CentreFactory,
    ProgrammeFactory,
    UserFactory,
    commission_with,
)


@pytest.fixture
def centre(db):
    return CentreFactory(name="UFR de Psychologie")


@pytest.fixture
def programme(centre):
    return ProgrammeFactory(centre=centre, code="PSY-M1", title="Master Psychologie sociale")


@pytest.fixture
def listed_programme(centre):
    return ProgrammeFactory(
        centre=centre, code="PSY-DU", title="DU Psychologie du travail", has_waiting_list=True
    )


@pytest.fixture
def president(db):
    return UserFactory(first_name="Paule", last_name="Présidente")


@pytest.fixture
def member(db):
    return UserFactory(first_name="Marc", last_name="Membre")


@pytest.fixture
def commission(programme, listed_programme, president, member):
    return commission_with(
        programme, listed_programme, members=[member], presidents=[president], name="Psycho"
    )


@pytest.fixture
def outsider(db):
    """President of another centre's commission."""
    other = ProgrammeFactory(code="LET-L3")
    user = UserFactory(first_name="Otto", last_name="Autre")
    commission_with(other, presidents=[user], name="Lettres")
    CandidatureFactory(programme=other, complete=True)
    return user


@pytest.fixture
def application(commission, programme):
    return CandidatureFactory(programme=programme, complete=True)
