"""The waiting list: a withdrawal (by hand or at the deadline) promotes the best-ranked
waiting candidate at once, with a fresh deadline, the mail and the letter; ranks are
recomputed; chains; two withdrawals at the same moment promote two different candidates."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from audit.models import AuditEntry
from candidatures.models import Candidature
from candidatures.workflow import candidature_confirm, candidature_withdraw, stage_of
from tests.factories import CandidatureFactory

pytestmark = pytest.mark.django_db


def waiting(programme, ranks):
    return [
        CandidatureFactory(programme=programme, waitlisted=True, waitlist_rank=rank)
        for rank in ranks
    ]


def fresh(candidature):
    return Candidature.objects.select_related("programme").get(pk=candidature.pk)


def test_a_withdrawal_promotes_the_best_ranked_and_renumbers(
    listed_programme, commission, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.WAITLIST_PROMOTION_DAYS = 8
    seat = CandidatureFactory(programme=listed_programme, favourable=True)
    second, first, third = waiting(listed_programme, [2, 1, 5])
    with django_capture_on_commit_callbacks(execute=True):
        candidature_withdraw(candidature=seat, actor=seat.dossier.user)
    first, second, third = fresh(first), fresh(second), fresh(third)
    assert stage_of(first) == "favourable"
    # The programme's deadline is ten days away: more than 8, so it stands.
    deadline = listed_programme.confirmation_deadline_for(first)
    assert deadline == listed_programme.confirmation_deadline
    assert (second.waitlist_rank, third.waitlist_rank) == (1, 2)
    assert AuditEntry.objects.get(action="waitlist.renumber").after == {
        str(second.pk): 1,
        str(third.pk): 2,
    }
    recipients = [m.to[0] for m in mailoutbox]
    assert recipients == [seat.dossier.user.email, first.dossier.user.email]
    promoted_mail = mailoutbox[1]
    assert len(promoted_mail.attachments) == 1
    assert promoted_mail.attachments[0][2] == "application/pdf"


def test_a_promotion_after_a_near_deadline_gets_fresh_days(
    listed_programme, commission, time_machine, settings
):
    settings.WAITLIST_PROMOTION_DAYS = 8
    seat = CandidatureFactory(programme=listed_programme, favourable=True)
    (head,) = waiting(listed_programme, [1])
    near = listed_programme.confirmation_deadline - datetime.timedelta(days=2)
    time_machine.move_to(near, tick=False)
    candidature_withdraw(candidature=seat, actor=seat.dossier.user)
    head = fresh(head)
    assert head.confirmation_deadline_override == near + datetime.timedelta(days=8)
    # They confirm after the programme's date, inside their own.
    time_machine.move_to(near + datetime.timedelta(days=5), tick=False)
    candidature_confirm(candidature=head, actor=head.dossier.user)
    assert stage_of(fresh(head)) == "confirmed"


def test_a_chain_of_withdrawals_goes_down_the_list(
    listed_programme, commission, mailoutbox, django_capture_on_commit_callbacks
):
    seat = CandidatureFactory(programme=listed_programme, favourable=True)
    first, second, third = waiting(listed_programme, [1, 2, 3])
    with django_capture_on_commit_callbacks(execute=True):
        candidature_withdraw(candidature=seat, actor=seat.dossier.user)
        candidature_withdraw(candidature=fresh(first), actor=first.dossier.user)
        # A confirmed place given up later frees a seat too.
        candidature_confirm(candidature=fresh(second), actor=second.dossier.user)
        candidature_withdraw(candidature=fresh(second), actor=second.dossier.user)
    assert [stage_of(fresh(c)) for c in (first, second, third)] == [
        "withdrawn",
        "withdrawn",
        "favourable",
    ]
    promoted = [m.to[0] for m in mailoutbox if m.attachments]
    assert promoted == [c.dossier.user.email for c in (first, second, third)]
    # The list is empty now: one more withdrawal promotes nobody, without error.
    candidature_withdraw(candidature=fresh(third), actor=third.dossier.user)
    assert stage_of(fresh(third)) == "withdrawn"


def test_silence_past_the_deadline_withdraws_and_promotes(
    listed_programme, commission, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    seat = CandidatureFactory(programme=listed_programme, favourable=True)
    (head,) = waiting(listed_programme, [1])
    time_machine.move_to(listed_programme.confirmation_deadline, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_confirmations")
    seat = fresh(seat)
    assert stage_of(seat) == "withdrawn" and seat.withdrawn_automatically
    assert stage_of(fresh(head)) == "favourable"
    events = sorted(m.subject for m in mailoutbox)
    assert len(events) == 2


def test_candidates_on_the_list_see_their_rank_and_its_size(client, listed_programme, commission):
    first, second, third = waiting(listed_programme, [1, 2, 3])
    CandidatureFactory(programme=listed_programme, decided=True)  # not published: not counted
    client.force_login(second.dossier.user)
    page = client.get(reverse("candidatures:detail", args=[second.pk])).content.decode()
    assert "Vous êtes au rang 2 de la liste complémentaire, qui compte 3 candidats." in page
    english = client.get(
        reverse("candidatures:detail", args=[second.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "You are number 2 on the waiting list, which has 3 candidates." in english


def test_a_programme_without_a_waiting_list_promotes_nobody(programme, commission):
    seat = CandidatureFactory(programme=programme, favourable=True)
    other = CandidatureFactory(programme=programme, complete=True)
    candidature_withdraw(candidature=seat, actor=seat.dossier.user)
    assert stage_of(fresh(other)) == "complete"


@pytest.mark.django_db(transaction=True)
def test_two_withdrawals_at_the_same_moment_promote_two_different_candidates(
    listed_programme, commission
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    seats = [CandidatureFactory(programme=listed_programme, favourable=True) for _ in range(2)]
    listed = waiting(listed_programme, [1, 2, 3])
    barrier = threading.Barrier(2)
    errors = []

    def withdraw(candidature):
        try:
            barrier.wait(timeout=10)
            candidature_withdraw(candidature=candidature, actor=candidature.dossier.user)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=withdraw, args=(seat,)) for seat in seats]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert [stage_of(fresh(c)) for c in seats] == ["withdrawn", "withdrawn"]
    states = [fresh(c) for c in listed]
    assert [stage_of(c) for c in states] == ["favourable", "favourable", "waitlisted"]
    assert states[2].waitlist_rank == 1
    promotions = Candidature.objects.filter(transitions__event="promote")
    assert sorted(promotions.values_list("pk", flat=True)) == sorted(c.pk for c in listed[:2])


def test_renumbering_a_long_list_is_one_update(listed_programme, django_assert_num_queries):
    """30 ranks shifted: the ranks read, one UPDATE, the programme, the audit row."""
    from candidatures.workflow import waitlist_renumber

    listed = waiting(listed_programme, range(2, 32))
    with django_assert_num_queries(4):
        waitlist_renumber(programme_id=listed_programme.pk)
    assert [fresh(c).waitlist_rank for c in listed] == list(range(1, 31))
    entry = AuditEntry.objects.get(action="waitlist.renumber")
    assert entry.before == {str(c.pk): rank for c, rank in zip(listed, range(2, 32), strict=True)}
    assert entry.after == {str(c.pk): rank for c, rank in zip(listed, range(1, 31), strict=True)}
