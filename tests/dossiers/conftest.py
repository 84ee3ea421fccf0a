import pytest

from tests.factories import DossierFactory, PersonalInfoFactory


@pytest.fixture
def dossier(db):
    return DossierFactory()


@pytest.fixture
def candidate_client(client, dossier):
    client.force_login(dossier.user)
    return client


@pytest.fixture
def unlocked(dossier):
    """A dossier whose personal information is complete, so every section is open."""
    PersonalInfoFactory(dossier=dossier)
    return dossier
