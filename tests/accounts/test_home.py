"""The home page signed in: whether the visitor sits on a commission is one compiled read
(``accounts.views._membership_of``), with the answer and the query count of the ORM's."""

import pytest
from django.urls import reverse

from tests.factories import DossierFactory, ProgrammeFactory, UserFactory, reviewer_of

pytestmark = pytest.mark.django_db
EXAMINE = reverse("commissions:list")


def test_a_candidate_on_a_commission_is_shown_the_applications_to_examine(
    client, django_assert_num_queries
):
    candidate = DossierFactory().user
    member = reviewer_of(ProgrammeFactory())
    DossierFactory(user=member)
    # The user, the membership (the session is in the cache); a member's dossier is asked.
    for user, shown, queries in ((candidate, False, 2), (member, True, 3)):
        assert user.commission_memberships.exists() is shown
        client.force_login(user)
        with django_assert_num_queries(queries):
            response = client.get(reverse("home"))
        assert response.status_code == 200
        assert (f'href="{EXAMINE}"' in response.content.decode()) is shown


def test_a_member_who_is_not_a_candidate_goes_to_the_commission(client):
    client.force_login(reviewer_of(ProgrammeFactory()))
    assert client.get(reverse("home")).url == EXAMINE


def test_staff_and_anonymous(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(reverse("home")).status_code == 200
    client.force_login(UserFactory(staff=True))
    assert client.get(reverse("home")).status_code == 200
