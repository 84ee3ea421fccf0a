"""The two back-office roles hold the permissions of every back-office app, including the apps
added after the groups' data migration: before, neither group held any permission of
commissions, exports, jobs or ent, so only a superuser could set up a commission, edit an
admission letter or run a job."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from candidatures.roles import CENTRAL, CENTRE_STAFF
from tests.factories import (
    CentreFactory,
    ProgrammeFactory,
    central_admin,
    centre_staff,
    commission_with,
)

pytestmark = pytest.mark.django_db


def permissions_of(name):
    group = Group.objects.get(name=name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_the_migrated_groups_hold_the_later_apps_permissions():
    # As `migrate` leaves them (no factory has called ensure_groups here).
    Group.objects.filter(name__in=[CENTRAL, CENTRE_STAFF]).delete()
    call_command("migrate", verbosity=0)

    central = permissions_of(CENTRAL)
    assert {
        "jobs.view_jobrun",
        "commissions.change_commission",
        "commissions.change_unfavourablereason",
        "commissions.change_admissionletter",
        "ent.view_entidentity",
        "candidatures.manage_all_centres",
    } <= central
    assert "candidatures.decide_candidature" not in central
    assert "jobs.run_jobs" not in central  # a named operator's, on top of the role
    staff = permissions_of(CENTRE_STAFF)
    assert {
        "commissions.add_commission",
        "commissions.change_commission",
        "commissions.add_commissionmember",
        "commissions.change_admissionletter",
        "commissions.view_unfavourablereason",
    } <= staff
    assert "commissions.change_unfavourablereason" not in staff
    assert not {p for p in staff if p.startswith(("jobs.", "ent."))}


def test_a_central_administrator_who_is_not_superuser_manages_commissions_and_jobs(client):
    admin_user = central_admin()
    assert not admin_user.is_superuser
    client.force_login(admin_user)

    for name in [
        "admin:commissions_commission_changelist",
        "admin:commissions_commission_add",
        "admin:commissions_unfavourablereason_add",
        "admin:jobs_jobrun_changelist",
        "admin:jobs_jobrun_jobs",
        "admin:ent_entidentity_changelist",
    ]:
        assert client.get(reverse(name)).status_code == 200, name


def test_centre_staff_set_up_their_own_centres_commissions_only(client):
    mine, theirs = CentreFactory(name="UFR Mine"), CentreFactory(name="UFR Autre")
    staff = centre_staff(mine)
    commission_with(ProgrammeFactory(centre=mine), centre=mine, name="Commission Mine")
    commission_with(ProgrammeFactory(centre=theirs), centre=theirs, name="Commission Autre")
    client.force_login(staff)

    page = client.get(reverse("admin:commissions_commission_changelist"))

    assert page.status_code == 200
    assert "Commission Mine" in page.content.decode()
    assert "Commission Autre" not in page.content.decode()
    assert client.get(reverse("admin:commissions_commission_add")).status_code == 200
    assert client.get(reverse("admin:jobs_jobrun_changelist")).status_code == 403
