"""Two requests acting on the same application at once: the row lock lets one through, the
other then sees the new state and is refused. Needs PostgreSQL (SQLite has no row locks);
CI runs on PostgreSQL."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from candidatures.models import Candidature, CandidatureTransition
from candidatures.workflow import (
    WorkflowError,
    candidature_cancel,
    candidature_create,
    candidature_submit,
)
from tests.factories import CandidatureFactory, CentreFactory, ProgrammeFactory

from .conftest import fill_sections_to_apply

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
        reason="row locks (select_for_update) need PostgreSQL",
    ),
]


def race(*calls):
    """Runs the calls in parallel threads, released together; returns (successes, errors)."""
    barrier = threading.Barrier(len(calls))
    successes, errors = [], []

    def run(call):
        try:
            barrier.wait()
            successes.append(call())
        except WorkflowError as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return successes, errors


@pytest.mark.parametrize("service", [candidature_submit, candidature_cancel])
def test_same_transition_twice_at_once_gives_one(service, mailoutbox):
    candidature = CandidatureFactory()
    user = candidature.dossier.user

    def call():
        return service(candidature=Candidature.objects.get(pk=candidature.pk), actor=user)

    successes, errors = race(call, call)
    assert (len(successes), len(errors)) == (1, 1)
    assert CandidatureTransition.objects.filter(candidature=candidature).count() == 1
    assert len(mailoutbox) == 1


def test_submit_and_cancel_at_once_give_one(mailoutbox):
    candidature = CandidatureFactory()
    user = candidature.dossier.user

    def call(service):
        return lambda: service(candidature=Candidature.objects.get(pk=candidature.pk), actor=user)

    successes, errors = race(call(candidature_submit), call(candidature_cancel))
    assert (len(successes), len(errors)) == (1, 1)
    assert CandidatureTransition.objects.filter(candidature=candidature).count() == 1
    assert len(mailoutbox) == 1


def test_two_applications_at_once_respect_the_cap(mailoutbox):
    from tests.factories import DossierFactory

    dossier = fill_sections_to_apply(DossierFactory())
    centre = CentreFactory(max_applications=1)
    programmes = [ProgrammeFactory(centre=centre), ProgrammeFactory(centre=centre)]

    def call(programme):
        return lambda: candidature_create(dossier=dossier, programme=programme, actor=dossier.user)

    successes, errors = race(*(call(p) for p in programmes))
    assert (len(successes), len(errors)) == (1, 1)
    assert Candidature.objects.filter(dossier=dossier).count() == 1
    assert len(mailoutbox) == 1


def test_same_application_twice_at_once_gives_one(mailoutbox):
    from tests.factories import DossierFactory

    dossier = fill_sections_to_apply(DossierFactory())
    programme = ProgrammeFactory()

    def call():
        return candidature_create(dossier=dossier, programme=programme, actor=dossier.user)

    successes, errors = race(call, call)
    assert (len(successes), len(errors)) == (1, 1)
    assert Candidature.objects.filter(dossier=dossier).count() == 1
    assert len(mailoutbox) == 1
