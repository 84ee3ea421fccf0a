"""Every (event, stage, actor kind) combination, generated from the workflow table: the
allowed ones move to a target stage with an audit row and (when the table says so) one mail
to the candidate; the others raise the typed error and change nothing."""

from datetime import timedelta
from itertools import product

import pytest
from django.forms.models import model_to_dict

from candidatures.mail import notification_event
from candidatures.models import ActorKind, CandidatureTransition
from candidatures.workflow import (
    SERVICES,
    TRANSITIONS,
    ActorNotAllowed,
    Stage,
    TransitionNotAllowed,
    date_for,
    stage_of,
)
from notifications.models import Outbox
from tests.factories import CandidatureFactory

# What an event needs besides the application and the actor.
EXTRA = {
    "decide": {"decision": "favourable"},
    "mark_incomplete": {"comment": "Il manque le relevé de notes du S6."},
}
CASES = list(product(TRANSITIONS, Stage, ActorKind))
NOT_YET_COMPLETE = {Stage.DRAFT, Stage.RECEIVED, Stage.INCOMPLETE, Stage.CANCELLED}


def in_stage(stage: Stage):
    candidature = CandidatureFactory(**{stage.value: True})
    assert stage_of(candidature) == stage
    return candidature


def move_inside_dates(time_machine, rule, candidature):
    """Travel to a moment the event's dates allow, so only state and actor decide."""
    if rule.before and date_for(candidature, rule.before):
        time_machine.move_to(date_for(candidature, rule.before) - timedelta(minutes=1), tick=False)
    if rule.not_before and date_for(candidature, rule.not_before):
        time_machine.move_to(date_for(candidature, rule.not_before), tick=False)


def test_table_has_one_service_per_event_and_reaches_every_stage():
    assert set(TRANSITIONS) == set(SERVICES)
    targets = {stage for rule in TRANSITIONS.values() for stage in rule.targets}
    assert targets == set(Stage) - {Stage.DRAFT}  # draft is where create starts


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("event", "stage", "kind"), CASES, ids=[f"{e}-{s}-{k}" for e, s, k in CASES]
)
def test_event_from_stage_by_actor(
    event, stage, kind, actor_of, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    rule = TRANSITIONS[event]
    candidature = in_stage(stage)
    actor = actor_of(kind, candidature)
    move_inside_dates(time_machine, rule, candidature)
    before = model_to_dict(candidature)
    allowed = kind in rule.actors and stage in rule.sources
    # A commission member's scope is the complete applications of their programmes: on any
    # other they are nobody, whatever the event.
    out_of_scope = kind == ActorKind.COMMISSION and stage in NOT_YET_COMPLETE

    if not allowed:
        wrong_actor = kind not in rule.actors or out_of_scope
        expected = ActorNotAllowed if wrong_actor else TransitionNotAllowed
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(expected):
            SERVICES[event](candidature=candidature, actor=actor, **EXTRA.get(event, {}))
        candidature.refresh_from_db()
        assert model_to_dict(candidature) == before
        assert not CandidatureTransition.objects.filter(candidature=candidature).exists()
        assert mailoutbox == []
        return

    with django_capture_on_commit_callbacks(execute=True):
        SERVICES[event](candidature=candidature, actor=actor, **EXTRA.get(event, {}))
    candidature.refresh_from_db()
    reached = stage_of(candidature)
    assert reached in rule.targets
    transition = CandidatureTransition.objects.get(candidature=candidature)
    assert (transition.event, transition.from_state, transition.to_state) == (
        event,
        stage,
        reached,
    )
    assert (transition.actor, transition.actor_kind) == (actor, kind)
    if rule.notifies:
        assert len(mailoutbox) == 1
        assert mailoutbox[0].to == [candidature.dossier.user.email]
        assert candidature.programme.title in mailoutbox[0].body
        mail = Outbox.objects.get()
        assert mail.event == notification_event(event, candidature)
        assert mail.language == "fr"  # the candidate's language
        assert mailoutbox[0].subject == mail.subject
    else:
        assert mailoutbox == []
