"""The commission's background work (thin: load by id, call the service one application at a
time; a refused one is reported and the others go on)."""

import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils.dateparse import parse_datetime

from candidatures.models import Candidature
from ecandidat.errors import DomainError

from .models import UnfavourableReason
from .services import commission_decide

logger = logging.getLogger(__name__)


@shared_task
def decide_many(
    *,
    actor_id,
    candidature_ids,
    decision,
    waitlist_rank=None,
    interview_at=None,
    interview_place="",
    reason_id=None,
):
    actor = get_user_model().objects.get(pk=actor_id)
    reason = UnfavourableReason.objects.filter(pk=reason_id).first() if reason_id else None
    when = parse_datetime(interview_at) if interview_at else None
    done = refused = 0
    for offset, pk in enumerate(candidature_ids):
        candidature = Candidature.objects.filter(pk=pk).first()
        if candidature is None:
            refused += 1
            continue
        try:
            commission_decide(
                actor=actor,
                candidature=candidature,
                decision=decision,
                waitlist_rank=waitlist_rank + offset if waitlist_rank else None,
                interview_at=when,
                interview_place=interview_place,
                reason=reason,
            )
            done += 1
        except DomainError as error:
            refused += 1
            logger.info("decision on %s refused: %s", pk, error.message)
    return f"{done} decision(s) recorded, {refused} refused."
