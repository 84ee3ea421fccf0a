from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from candidatures.models import CandidatureTransition
from candidatures.workflow import Stage, stage_of
from tests.factories import CandidatureFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_expires_only_overdue_unanswered_favourables(time_machine, capsys, mailoutbox):
    fixed = CandidatureFactory(favourable=True)
    in_days = CandidatureFactory(
        favourable=True,
        programme=ProgrammeFactory(confirmation_deadline=None, confirmation_days=60),
    )
    confirmed = CandidatureFactory(confirmed=True)
    waitlisted = CandidatureFactory(waitlisted=True)
    time_machine.move_to(fixed.programme.confirmation_deadline + timedelta(minutes=1), tick=False)

    call_command("expire_confirmations", "--dry-run")
    assert "1 application(s) to expire" in capsys.readouterr().out
    assert stage_of(fixed) == Stage.FAVOURABLE

    call_command("expire_confirmations")
    assert "1 application(s) expired, 0 skipped." in capsys.readouterr().out
    for candidature in (fixed, in_days, confirmed, waitlisted):
        candidature.refresh_from_db()
    assert stage_of(fixed) == Stage.WITHDRAWN and fixed.withdrawn_automatically
    assert stage_of(in_days) == Stage.FAVOURABLE  # its 60 days run until later
    assert (stage_of(confirmed), stage_of(waitlisted)) == (Stage.CONFIRMED, Stage.WAITLISTED)
    transition = CandidatureTransition.objects.get()
    assert (transition.event, transition.actor, transition.actor_kind) == ("expire", None, "system")

    time_machine.move_to(timezone.now() + timedelta(days=61), tick=False)
    call_command("expire_confirmations")
    in_days.refresh_from_db()
    assert stage_of(in_days) == Stage.WITHDRAWN


def test_beat_task_runs_the_same_job(time_machine):
    from candidatures.tasks import expire_confirmations

    fixed = CandidatureFactory(favourable=True)
    time_machine.move_to(fixed.programme.confirmation_deadline + timedelta(minutes=1), tick=False)
    assert expire_confirmations.delay().get() == "1 application(s) expired, 0 skipped."
    fixed.refresh_from_db()
    assert stage_of(fixed) == Stage.WITHDRAWN
