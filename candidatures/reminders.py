"""The two deadline reminders, each sent once per application:

- N days (the centre's ``return_reminder_days``, 3 by default) before the return deadline, to
  drafts and incomplete applications, listing the documents still missing;
- N days (``confirmation_reminder_days``, 2) before the confirmation deadline, to favourable
  candidates who have not answered.

The deadlines are the candidate's own (``Candidature.return_deadline``,
``Programme.confirmation_deadline_for``): the same the dashboard shows. Each application is
locked (``FOR UPDATE SKIP LOCKED``), checked again, mailed and stamped in one transaction, so
two runs at once, or a run after a crash, mail each candidate once; the outbox's idempotency
key says the same a second time.
"""

from datetime import timedelta

from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import formats, timezone, translation

from jobs.batches import each_locked
from jobs.registry import JobReport

from .mail import mail_context_base, notify_candidate
from .models import Candidature, Centre, Decision, Status
from .selectors import missing_items

RETURN_EVENT = "return_deadline_reminder"
CONFIRMATION_EVENT = "confirmation_reminder"


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def return_reminder_due(candidature, now) -> bool:
    deadline = candidature.return_deadline
    days = candidature.programme.centre.return_reminder_days
    return (
        candidature.status in (Status.DRAFT, Status.INCOMPLETE)
        and candidature.return_reminder_sent_at is None
        and deadline - timedelta(days=days) <= now < deadline
    )


def confirmation_reminder_due(candidature, now) -> bool:
    deadline = candidature.programme.confirmation_deadline_for(candidature)
    days = candidature.programme.centre.confirmation_reminder_days
    return (
        candidature.decision == Decision.FAVOURABLE
        and candidature.decision_published_at is not None
        and not candidature.answer
        and candidature.confirmation_reminder_sent_at is None
        and deadline is not None
        and deadline - timedelta(days=days) <= now < deadline
    )


def _base():
    return Candidature.objects.filter(programme__campaign__is_active=True).select_related(
        "programme__centre", "dossier__user"
    )


def return_reminder_candidates(now):
    """Drafts and incomplete applications whose deadline falls within the largest reminder
    window of any centre (each row is checked against its own centre's window)."""
    widest = Centre.objects.aggregate(days=Max("return_reminder_days"))["days"] or 0
    return (
        _base()
        .filter(status__in=[Status.DRAFT, Status.INCOMPLETE], return_reminder_sent_at__isnull=True)
        .annotate(deadline=Coalesce("return_deadline_override", "programme__return_deadline"))
        .filter(deadline__gt=now, deadline__lte=now + timedelta(days=widest))
    )


def confirmation_reminder_candidates(now):
    return _base().filter(
        status=Status.COMPLETE,
        decision=Decision.FAVOURABLE,
        decision_published_at__isnull=False,
        answer="",
        confirmation_reminder_sent_at__isnull=True,
    )


def _send(candidature, *, event, extra) -> None:
    with translation.override(candidature.dossier.user.language):
        context = {
            **mail_context_base(candidature),
            "return_deadline": _when(candidature.return_deadline),
            **extra(),
        }
    notify_candidate(candidature=candidature, event=event, context=context, key=event)


def _run(queryset, *, due, send, stamp, dry_run, limit, prepare=None) -> JobReport:
    report = JobReport()
    now = timezone.now()

    def handle(candidature, prepared):
        if not due(candidature, now):
            return False
        if dry_run:
            report.lines.append(f"would remind {candidature.pk} {candidature}")
            report.add("would send")
            return True
        try:
            send(candidature, prepared)
        except Exception as error:  # one bad address must not stop the others
            report.error(f"application {candidature.pk}: {error!r}")
            return False
        setattr(candidature, stamp, now)
        candidature.save(update_fields=[stamp])
        report.add("sent")
        return True

    each_locked(queryset, handle, limit=limit, prepare=prepare)
    report.counts.setdefault("would send" if dry_run else "sent", 0)
    return report


def missing_in_each_language(candidatures) -> dict[int, list[str]]:
    """The documents each application of a batch lacks, named in its candidate's language
    (a few queries per language, not per application)."""
    by_language: dict[str, list] = {}
    for candidature in candidatures:
        by_language.setdefault(candidature.dossier.user.language or "fr", []).append(candidature)
    missing = {}
    for language, group in by_language.items():
        with translation.override(language):
            missing.update(missing_items(group))
    return missing


def remind_return_deadline(*, dry_run: bool = False, limit: int | None = None) -> JobReport:
    now = timezone.now()

    def send(candidature, missing):
        _send(
            candidature,
            event=RETURN_EVENT,
            extra=lambda: {
                "missing_items": missing.get(candidature.pk, []),
                "incomplete": candidature.status == Status.INCOMPLETE,
            },
        )

    return _run(
        return_reminder_candidates(now),
        due=return_reminder_due,
        send=send,
        stamp="return_reminder_sent_at",
        dry_run=dry_run,
        limit=limit,
        prepare=missing_in_each_language,
    )


def remind_confirmation_deadline(*, dry_run: bool = False, limit: int | None = None) -> JobReport:
    now = timezone.now()

    def send(candidature, _prepared):
        _send(
            candidature,
            event=CONFIRMATION_EVENT,
            extra=lambda: {
                "confirmation_deadline": _when(
                    candidature.programme.confirmation_deadline_for(candidature)
                )
            },
        )

    return _run(
        confirmation_reminder_candidates(now),
        due=confirmation_reminder_due,
        send=send,
        stamp="confirmation_reminder_sent_at",
        dry_run=dry_run,
        limit=limit,
    )
