"""Scheduled and background jobs on applications (see ``jobs.registry``): automatic withdrawal
at the confirmation deadline, publication at the programmes' dates, the two deadline reminders,
the retention purge; and the publication a president or the staff ask for. Each handles one
application at a time through the workflow, so a job never holds more than one application's
row lock, never draws a PDF under it, and a job run twice changes and mails nothing twice."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.registry import JobReport, scheduled_job

from .models import Candidature, CandidatureTransition, Event, Status
from .selectors import overdue_for_expiry
from .workflow import WorkflowError, candidature_expire, candidature_publish


def expire_overdue_confirmations(*, dry_run: bool = False, limit: int | None = None) -> str:
    """Favourable decisions left unanswered past the confirmation deadline count as
    withdrawals (the guide says so). Each goes through the workflow's ``expire`` transition,
    so a candidate confirming at the same moment is either in time or refused, never both;
    the freed place goes to the head of the waiting list."""
    return _expire(dry_run=dry_run, limit=limit).summary


def _expire(*, dry_run: bool, limit: int | None) -> JobReport:
    overdue = overdue_for_expiry(now=timezone.now())[:limit]
    report = JobReport()
    if dry_run:
        listed = ", ".join(str(c.pk) for c in overdue) or "-"
        report.add("to expire", len(overdue))
        report.summary = f"{len(overdue)} application(s) to expire: {listed}"
        return report
    for candidature in overdue:
        try:
            candidature_expire(candidature=candidature)
            report.add("expired")
        except WorkflowError:  # answered, or expired by another run, meanwhile
            report.add("skipped")
    expired, skipped = report.counts.get("expired", 0), report.counts.get("skipped", 0)
    report.summary = f"{expired} application(s) expired, {skipped} skipped."
    return report


@scheduled_job(
    "candidatures.expire_confirmations",
    label=_("Withdraw favourable applications left unanswered past their deadline"),
    crontab="12 * * * *",
)
def expire_confirmations(*, dry_run: bool, limit: int | None) -> JobReport:
    return _expire(dry_run=dry_run, limit=limit)


@scheduled_job(
    "candidatures.return_reminders",
    label=_("Remind drafts and incomplete applications of the return deadline"),
    crontab="0 9 * * *",
)
def return_reminders(*, dry_run: bool, limit: int | None) -> JobReport:
    from .reminders import remind_return_deadline

    return remind_return_deadline(dry_run=dry_run, limit=limit)


@scheduled_job(
    "candidatures.confirmation_reminders",
    label=_("Remind favourable candidates to confirm or withdraw"),
    crontab="5 9 * * *",
)
def confirmation_reminders(*, dry_run: bool, limit: int | None) -> JobReport:
    from .reminders import remind_confirmation_deadline

    return remind_confirmation_deadline(dry_run=dry_run, limit=limit)


@scheduled_job(
    "candidatures.retention_purge",
    label=_("Destroy archived campaigns' applications after the retention period"),
    crontab="17 4 * * *",
)
def retention(*, dry_run: bool, limit: int | None) -> JobReport:
    from .retention import retention_purge

    return retention_purge(dry_run=dry_run, limit=limit)


def publish_each(*, candidature_ids, actor=None, actor_kind=None, report=None) -> JobReport:
    """Publishes the given decisions one at a time (each in its own transaction)."""
    report = report or JobReport()
    for pk in candidature_ids:
        candidature = (
            Candidature.objects.select_related("programme__centre", "dossier__user")
            .filter(pk=pk)
            .first()
        )
        if candidature is None:
            report.add("skipped")
            continue
        try:
            candidature_publish(candidature=candidature, actor=actor, actor_kind=actor_kind)
            report.add("published")
        except WorkflowError:  # published meanwhile, changed, or not the actor's any more
            report.add("skipped")
    published, skipped = report.counts.get("published", 0), report.counts.get("skipped", 0)
    report.summary = f"{published} decision(s) published, {skipped} skipped."
    return report


def publish_requested(*, candidature_ids, actor_id=None, actor_kind=None) -> str:
    actor = get_user_model().objects.get(pk=actor_id) if actor_id else None
    return publish_each(candidature_ids=candidature_ids, actor=actor, actor_kind=actor_kind).summary


def due_for_publication(*, now):
    """Decisions recorded before their programme's publication date, now reached. A decision
    recorded (or changed) after that date waits for a president or the staff to publish it:
    the job never publishes what the commission is still writing."""
    changed_after = CandidatureTransition.objects.filter(
        candidature=OuterRef("pk"),
        event=Event.DECIDE,
        at__gt=OuterRef("programme__publication_at"),
    )
    return (
        Candidature.objects.filter(
            status=Status.COMPLETE,
            decision_published_at__isnull=True,
            programme__publication_at__lte=now,
            programme__campaign__archived_at__isnull=True,
        )
        .exclude(decision="")
        .exclude(Exists(changed_after))
        .order_by("pk")
    )


@scheduled_job(
    "candidatures.publish_decisions",
    label=_("Publish the decisions recorded before their programme's publication date"),
    crontab="*/5 * * * *",
)
def publish_due_decisions(*, dry_run: bool = False, limit: int | None = None) -> JobReport:
    """One at a time through the workflow's ``publish`` (its row lock and stage check make a
    second run at the same moment skip what the first published)."""
    ids = list(due_for_publication(now=timezone.now()).values_list("pk", flat=True)[:limit])
    if dry_run:
        report = JobReport()
        report.add("to publish", len(ids))
        report.summary = f"{len(ids)} decision(s) to publish: {', '.join(map(str, ids)) or '-'}"
        return report
    return publish_each(candidature_ids=ids)
