"""Setups shared by the Documents tests: a candidate whose dossier is complete, applying to a
programme that asks for some pieces."""

from candidatures.models import Candidature
from tests.candidatures.conftest import fill_sections_to_apply
from tests.factories import (
    CampaignFactory,
    CandidatureFactory,
    DossierFactory,
    PieceTypeFactory,
    ProgrammeFactory,
    RequiredPieceFactory,
)


def complete_dossier(dossier=None):
    dossier = fill_sections_to_apply(dossier or DossierFactory())
    dossier.has_no_external_cursus = True
    dossier.has_no_internships = True
    dossier.has_no_experiences = True
    dossier.save()
    return dossier


def programme_asking(*types, **programme):
    """A programme of the active campaign asking for ``types`` (PieceType rows)."""
    programme = ProgrammeFactory(campaign=CampaignFactory(), **programme)
    for piece_type in types:
        RequiredPieceFactory(programme=programme, piece_type=piece_type)
    return programme


def application(dossier=None, *types, **candidature) -> Candidature:
    """A draft (or another stage through the factory's traits) asking for ``types``."""
    types = types or (PieceTypeFactory(),)
    return CandidatureFactory(
        dossier=dossier or complete_dossier(),
        programme=programme_asking(*types),
        **candidature,
    )
