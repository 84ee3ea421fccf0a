"""Every reviewer door answers 404 to whoever is not on a commission examining the
application, and the workflow refuses their actions: members of another commission, candidates,
centre staff who sit on no commission; and only complete applications are anybody's."""

import pytest
from django.urls import reverse

from candidatures.models import ActorKind
from candidatures.workflow import (
    ActorNotAllowed,
    candidature_decide,
    candidature_publish,
    stage_of,
)
from commissions.models import Opinion
from commissions.services import NotAPresident, NotAReviewer, commission_publish, opinion_save
from tests.factories import CandidatureFactory, PieceFactory, centre_staff, reviewer_of

pytestmark = pytest.mark.django_db


def doors(application, piece):
    pk = application.pk
    return [
        ("get", reverse("commissions:detail", args=[pk]), {}),
        ("post", reverse("commissions:opinion", args=[pk]), {"score": "12"}),
        ("post", reverse("commissions:decide", args=[pk]), {"decision": "favourable"}),
        ("post", reverse("commissions:publish", args=[pk]), {}),
        ("get", reverse("commissions:piece", args=[piece.pk]), {}),
    ]


def test_a_member_of_another_commission_gets_404_everywhere(client, application, outsider):
    piece = PieceFactory(candidature=application)
    client.force_login(outsider)
    listing = client.get(reverse("commissions:list"))
    assert listing.status_code == 200  # their own list, without this application
    assert application.dossier.number not in listing.content.decode()
    for method, url, data in doors(application, piece):
        assert getattr(client, method)(url, data).status_code == 404, url
    # The bulk form with this application's id changes nothing and says why.
    response = client.post(
        reverse("commissions:bulk"),
        {"selected": [application.pk], "action": "decide", "decision": "favourable"},
        follow=True,
    )
    assert "pas une candidature que votre commission examine" in response.content.decode()
    application.refresh_from_db()
    assert application.decision == "" and not Opinion.objects.exists()


def test_the_workflow_and_services_refuse_another_commission(application, outsider):
    with pytest.raises(ActorNotAllowed):
        candidature_decide(
            candidature=application,
            actor=outsider,
            decision="favourable",
            actor_kind=ActorKind.COMMISSION,
        )
    with pytest.raises(NotAReviewer):
        opinion_save(actor=outsider, candidature=application, score=10)
    application.refresh_from_db()
    assert stage_of(application) == "complete"


@pytest.mark.parametrize("who", ["candidate", "staff", "nobody"])
def test_people_on_no_commission_get_404_at_the_door(client, application, who):
    user = {
        "candidate": lambda: application.dossier.user,
        "staff": lambda: centre_staff(application.programme.centre),
        "nobody": lambda: reviewer_of(),  # on a commission examining nothing
    }[who]()
    client.force_login(user)
    if who != "nobody":
        assert client.get(reverse("commissions:list")).status_code == 404
    assert client.get(reverse("commissions:detail", args=[application.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, application):
    response = client.get(reverse("commissions:detail", args=[application.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("stage", ["draft", "received", "incomplete", "cancelled"])
def test_only_complete_applications_are_examined(client, commission, programme, member, stage):
    candidature = CandidatureFactory(programme=programme, **{stage: True})
    client.force_login(member)
    assert (
        candidature.dossier.number not in client.get(reverse("commissions:list")).content.decode()
    )
    assert client.get(reverse("commissions:detail", args=[candidature.pk])).status_code == 404


def test_a_member_who_does_not_preside_cannot_publish(application, member, time_machine):
    time_machine.move_to(application.programme.publication_at, tick=False)
    candidature_decide(
        candidature=application, actor=member, decision="favourable", actor_kind="commission"
    )
    with pytest.raises(ActorNotAllowed):
        candidature_publish(candidature=application, actor=member, actor_kind="commission")
    with pytest.raises(NotAPresident):
        commission_publish(actor=member, candidature_ids=[application.pk])
    application.refresh_from_db()
    assert application.decision_published_at is None


def test_reviewers_need_their_totp_when_it_is_required(client, application, member, settings):
    settings.STAFF_MFA_REQUIRED = True
    client.force_login(member)
    response = client.get(reverse("commissions:detail", args=[application.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    with pytest.raises(ActorNotAllowed):
        candidature_decide(
            candidature=application, actor=member, decision="favourable", actor_kind="commission"
        )
