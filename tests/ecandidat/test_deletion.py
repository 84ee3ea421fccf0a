"""ecandidat.deletion refuses what it would not delete as ``QuerySet.delete()`` does."""

import pytest
from django.db.models.signals import pre_delete

from candidatures.models import Campaign
from dossiers.models import Dossier
from ecandidat.deletion import Unsupported, plan


def test_a_protected_relation_is_refused():
    # A programme PROTECTs its campaign: the collector would raise, the plan refuses. (Not
    # the programme itself: the offer page's listing has deletion receivers on it.)
    with pytest.raises(Unsupported, match="on_delete=PROTECT"):
        plan.__wrapped__(Campaign)


def test_a_model_with_deletion_receivers_is_refused():
    def receiver(**kwargs):
        pass

    pre_delete.connect(receiver, sender=Dossier)
    try:
        with pytest.raises(Unsupported, match="signal receivers"):
            plan.__wrapped__(Dossier)
    finally:
        pre_delete.disconnect(receiver, sender=Dossier)


def test_dependants_come_before_what_they_depend_on():
    order = [step.model._meta.label for step in plan(Dossier) if step.sql.startswith("DELETE")]
    assert order.index("pieces.Piece") < order.index("candidatures.Candidature")
    assert order[-1] == "dossiers.Dossier"
