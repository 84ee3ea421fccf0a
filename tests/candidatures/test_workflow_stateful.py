"""Random sequences of events, by random actors at random moments, never store an impossible
application: every refusal changes nothing, every success follows the table."""

from datetime import timedelta

import pytest
import time_machine
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from candidatures.models import ActorKind, Candidature, CandidatureTransition, Decision, Status
from candidatures.workflow import SERVICES, TRANSITIONS, Stage, WorkflowError, stage_of
from tests.factories import CandidatureFactory, centre_staff, reviewer_of

# Moments, in days from the factory's "open" programme creation (see PROGRAMME_WINDOWS):
# inside the window, after the return deadline, after publication, after confirmation.
MOMENTS = [0, 25, 41, 51]
REACHED = set()


class WorkflowMachine(RuleBasedStateMachine):
    @initialize(stage=st.sampled_from(list(Stage)))
    def start_from(self, stage):
        """Any stage a factory trait builds, so every part of the table gets exercised."""
        self.candidature = CandidatureFactory(
            programme__has_waiting_list=True, **{stage.value: True}
        )
        self.start = self.candidature.created_at
        commission = reviewer_of(self.candidature.programme, president=True)
        self.actors = {
            ActorKind.CANDIDATE: self.candidature.dossier.user,
            ActorKind.STAFF: centre_staff(self.candidature.programme.centre),
            ActorKind.COMMISSION: commission,
            ActorKind.SYSTEM: None,
        }

    def _count(self):
        return CandidatureTransition.objects.filter(candidature=self.candidature).count()

    @rule(
        event=st.sampled_from(list(TRANSITIONS)),
        kind=st.sampled_from(list(ActorKind)),
        day=st.sampled_from(MOMENTS),
        decision=st.sampled_from(Decision.values),
    )
    def anybody_does_anything(self, event, kind, day, decision):
        self._try(event, kind, day, decision)

    @rule(data=st.data(), event=st.sampled_from(list(TRANSITIONS)), day=st.sampled_from(MOMENTS))
    def the_right_person_acts(self, data, event, day):
        """Biased towards actors the table allows, so deep stages get explored too."""
        kind = data.draw(st.sampled_from(sorted(TRANSITIONS[event].actors)))
        decision = data.draw(st.sampled_from(["favourable", *Decision.values]))
        self._try(event, kind, day, decision)

    def _try(self, event, kind, day, decision):
        rule_ = TRANSITIONS[event]
        extra = {
            "decide": {"decision": decision, "waitlist_rank": 1},
            "mark_incomplete": {"comment": "Pièce manquante"},
        }.get(event, {})
        before, count = stage_of(self.candidature), self._count()
        with time_machine.travel(self.start + timedelta(days=day), tick=False):
            try:
                SERVICES[event](candidature=self.candidature, actor=self.actors[kind], **extra)
            except WorkflowError:
                self.candidature.refresh_from_db()
                assert stage_of(self.candidature) == before
                assert self._count() == count
                return
        assert kind in rule_.actors and before in rule_.sources
        self.candidature.refresh_from_db()
        REACHED.add(stage_of(self.candidature))
        assert stage_of(self.candidature) in rule_.targets
        assert self._count() == count + 1

    @invariant()
    def never_impossible(self):
        c = Candidature.objects.get(pk=self.candidature.pk)
        stage_of(c)
        if c.decision:
            assert c.status == Status.COMPLETE
        if c.status == Status.CANCELLED:
            assert not c.decision and not c.answer
        if c.answer:
            assert c.decision == Decision.FAVOURABLE and c.decision_published_at is not None
        if c.waitlist_rank is not None:
            assert c.decision == Decision.WAITLISTED
        if c.withdrawn_automatically:
            assert c.answer == "withdrawn"


@pytest.mark.django_db
def test_random_event_sequences_stay_possible():
    run_state_machine_as_test(
        WorkflowMachine,
        settings=settings(
            max_examples=80,
            stateful_step_count=20,
            derandomize=True,  # the same sequences on every run: CI never flickers
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    # The run went past the first stages (else it proved little).
    assert len(REACHED) >= 7, sorted(REACHED)  # the run reached most stages, not only the first
