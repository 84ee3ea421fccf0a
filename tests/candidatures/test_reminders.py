"""The deadline reminders: due N days before the candidate's own deadline (the centre's N),
once per application, in the candidate's language, listing what is missing; the dashboard
shows the same deadline the mail names."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone, translation

from candidatures.models import Candidature
from jobs.models import JobRun
from notifications.models import Outbox
from tests.factories import (
    CampaignFactory,
    CandidatureFactory,
    CentreFactory,
    PieceTypeFactory,
    ProgrammeFactory,
    RequiredPieceFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(command="send_return_reminders", *args):
        with django_capture_on_commit_callbacks(execute=True):
            call_command(command, *args)
        return JobRun.objects.order_by("-pk").first()

    return run


def due_draft(days=2, **fields):
    """A draft whose own return deadline is ``days`` away, lacking one document."""
    candidature = CandidatureFactory(
        return_deadline_override=timezone.now() + days * DAY,
        deadline_override_reason="test",
        **fields,
    )
    RequiredPieceFactory(
        programme=candidature.programme,
        piece_type=PieceTypeFactory(label_fr="Relevé de notes", label_en="Transcript"),
    )
    return candidature


def test_a_draft_is_reminded_once_with_what_is_missing(run, mailoutbox):
    candidature = due_draft()
    first = run()
    assert first.counts == {"sent": 1}
    assert [m.to for m in mailoutbox] == [[candidature.dossier.user.email]]
    body = mailoutbox[0].body
    assert "n'a pas encore été transmise" in body
    assert "Il manque encore :\n- Relevé de notes" in body
    with translation.override("fr"):
        deadline = formats.date_format(
            timezone.localtime(candidature.return_deadline), "DATETIME_FORMAT"
        )
    assert deadline in body and deadline in mailoutbox[0].subject
    candidature.refresh_from_db()
    assert candidature.return_reminder_sent_at is not None

    second = run()
    assert second.counts == {"sent": 0}
    assert len(mailoutbox) == 1
    assert Outbox.objects.filter(event="return_deadline_reminder").count() == 1


def test_the_window_is_the_centres(run, mailoutbox):
    far = due_draft(days=4)
    assert run().counts == {"sent": 0}
    centre = far.programme.centre
    centre.return_reminder_days = 5
    centre.save()
    assert run().counts == {"sent": 1}
    assert mailoutbox[0].to == [far.dossier.user.email]


def test_incomplete_is_reminded_in_english_and_others_are_not(run, mailoutbox):
    incomplete = due_draft(incomplete=True, dossier__user__language="en")
    for trait in ("received", "complete", "cancelled"):
        due_draft(**{trait: True})
    due_draft(days=-1)  # deadline passed: too late to remind
    assert run().counts == {"sent": 1}
    (mail,) = mailoutbox
    assert mail.to == [incomplete.dossier.user.email]
    assert "is still incomplete" in mail.body and "- Transcript" in mail.body


def test_nothing_of_another_campaign_than_the_active_one(run, mailoutbox):
    archived = CampaignFactory(archived=True)
    due_draft(programme=ProgrammeFactory(campaign=archived))
    assert run().counts == {"sent": 0}


def test_dry_run_sends_nothing_and_stamps_nothing(run, mailoutbox):
    candidature = due_draft()
    assert run("send_return_reminders", "--dry-run").counts == {"would send": 1}
    assert mailoutbox == []
    candidature.refresh_from_db()
    assert candidature.return_reminder_sent_at is None


def test_the_dashboard_shows_the_deadline_the_reminder_names(client, run, mailoutbox):
    candidature = due_draft(days=1)
    client.force_login(candidature.dossier.user)
    page = client.get(reverse("candidatures:dashboard")).content.decode()
    with translation.override("fr"):
        shown = formats.date_format(
            timezone.localtime(candidature.return_deadline), "SHORT_DATETIME_FORMAT"
        )
    programme_deadline = formats.date_format(
        timezone.localtime(candidature.programme.return_deadline), "SHORT_DATETIME_FORMAT"
    )
    assert shown in page and programme_deadline not in page


def favourable(deadline_in_days, **fields):
    """A published favourable decision whose own confirmation deadline is that far."""
    return CandidatureFactory(
        favourable=True,
        confirmation_deadline_override=timezone.now() + deadline_in_days * DAY,
        deadline_override_reason="test",
        **fields,
    )


def test_favourable_unanswered_are_reminded_once_before_the_confirmation_deadline(run, mailoutbox):
    due = favourable(1)
    favourable(3)  # outside the default two days
    favourable(1, confirmed=True)
    favourable(1, withdrawn=True)
    assert run("send_confirmation_reminders").counts == {"sent": 1}
    (mail,) = mailoutbox
    assert mail.to == [due.dossier.user.email]
    assert "confirmez votre place" in mail.subject.lower()
    assert run("send_confirmation_reminders").counts == {"sent": 0}
    assert len(mailoutbox) == 1


def test_days_after_publication_deadlines_are_computed_per_candidate(run, mailoutbox):
    programme = ProgrammeFactory(confirmation_deadline=None, confirmation_days=5)
    published = timezone.now() - 4 * DAY  # deadline tomorrow
    due = CandidatureFactory(programme=programme, favourable=True, decision_published_at=published)
    CandidatureFactory(programme=programme, favourable=True)  # published now: 5 days left
    assert run("send_confirmation_reminders").counts == {"sent": 1}
    assert mailoutbox[0].to == [due.dossier.user.email]


def test_a_crash_mid_run_leaves_no_double_mail(run, mailoutbox, monkeypatch, settings):
    """The process dies in the second batch: that batch rolls back; the next run mails the
    rest and nobody twice."""
    from candidatures import reminders

    settings.JOBS_BATCH_SIZE = 2
    programme = ProgrammeFactory(centre=CentreFactory())
    drafts = [due_draft(programme=programme) for _ in range(5)]
    real_notify, calls = reminders.notify_candidate, []

    def dies_on_the_third(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise SystemExit("worker killed")
        return real_notify(**kwargs)

    monkeypatch.setattr(reminders, "notify_candidate", dies_on_the_third)
    with pytest.raises(SystemExit):
        run()
    assert JobRun.objects.get().status == "interrupted"
    stamped = Candidature.objects.filter(return_reminder_sent_at__isnull=False).count()
    assert stamped == 2 == Outbox.objects.filter(event="return_deadline_reminder").count()

    monkeypatch.setattr(reminders, "notify_candidate", real_notify)
    assert run().counts == {"sent": 3}
    assert sorted(
        o.recipient_id for o in Outbox.objects.filter(event="return_deadline_reminder")
    ) == sorted(d.dossier.user_id for d in drafts)
