"""The purge of accounts not activated within 48 hours: exactly those, nothing else."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import IssuedCandidateNumber, User
from accounts.services import accounts_purge_unactivated
from tests.factories import UserFactory
from tests.pieces.conftest import media  # noqa: F401 (stored files in a folder per test)

pytestmark = pytest.mark.django_db


@pytest.fixture
def population():
    now = timezone.now()
    old = now - datetime.timedelta(hours=48, minutes=1)
    return {
        "expired": UserFactory(unactivated=True, date_joined=old),
        "expired_too": UserFactory(unactivated=True, date_joined=now - datetime.timedelta(days=30)),
        "fresh": UserFactory(
            unactivated=True, date_joined=now - datetime.timedelta(hours=47, minutes=59)
        ),
        "activated_old": UserFactory(date_joined=old),
        "staff_never_activated": UserFactory(unactivated=True, staff=True, date_joined=old),
    }


def test_purge_deletes_exactly_the_expired_unactivated_accounts(population):
    report = accounts_purge_unactivated()
    remaining = set(User.objects.values_list("pk", flat=True))
    assert remaining == {
        population["fresh"].pk,
        population["activated_old"].pk,
        population["staff_never_activated"].pk,
    }
    assert len(report.deleted) == 2
    assert population["expired"].candidate_number in str(report)
    # Their numbers stay issued, so they are never given again.
    assert IssuedCandidateNumber.objects.filter(
        number=population["expired"].candidate_number
    ).exists()


def test_purge_deletes_what_is_attached(population):
    from allauth.account.models import EmailAddress

    accounts_purge_unactivated()
    assert not EmailAddress.objects.filter(user_id=population["expired"].pk).exists()


def test_dry_run_deletes_nothing_and_says_what_it_would(population, capsys):
    call_command("purge_unactivated_accounts", "--dry-run")
    out = capsys.readouterr().out
    assert "would delete 2" in out
    assert User.objects.count() == 5


def test_command_and_scheduled_job_share_the_service(population, capsys):
    from jobs.models import JobRun
    from jobs.tasks import run_job

    call_command("purge_unactivated_accounts", "--limit", "1")
    assert "deleted 1" in capsys.readouterr().out
    assert "deleted 1" in run_job.delay("accounts.purge_unactivated").get()
    assert User.objects.count() == 3
    runs = JobRun.objects.filter(job="accounts.purge_unactivated").order_by("pk")
    assert [(run.trigger, run.counts) for run in runs] == [
        ("command", {"deleted": 1}),
        ("schedule", {"deleted": 1}),
    ]


def test_the_purge_is_scheduled_hourly_in_the_database():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="accounts.purge_unactivated")
    assert (task.task, task.args, task.enabled) == (
        "jobs.tasks.run_job",
        '["accounts.purge_unactivated"]',
        True,
    )
    assert task.crontab.minute == "7" and task.crontab.hour == "*"


def test_purge_goes_through_every_batch_and_stops_at_the_limit(population, monkeypatch):
    from accounts import services

    monkeypatch.setattr(services, "PURGE_BATCH", 1)
    assert len(accounts_purge_unactivated(dry_run=True).deleted) == 2
    assert len(accounts_purge_unactivated(limit=1).deleted) == 1
    assert len(accounts_purge_unactivated().deleted) == 1
    assert User.objects.count() == 3


@pytest.mark.parametrize("batch", [2, 5000])
def test_an_activated_account_between_expired_ones_keeps_everything(batch, monkeypatch):
    """Same age, ids in the middle of the purged ones' (so in the same batch, or at its edge):
    the activated account keeps its address, dossier, applications and their history."""
    from allauth.account.models import EmailAddress

    from accounts import services
    from candidatures.models import Candidature, CandidatureTransition
    from dossiers.models import Dossier
    from tests.factories import CandidatureFactory, DossierFactory

    monkeypatch.setattr(services, "PURGE_BATCH", batch)
    old = timezone.now() - datetime.timedelta(days=3)
    first = UserFactory(unactivated=True, date_joined=old)
    kept = DossierFactory(user=UserFactory(date_joined=old)).user
    CandidatureFactory.create_batch(2, dossier=kept.dossier)
    CandidatureTransition.objects.create(
        candidature=kept.dossier.candidatures.first(),
        event="submit",
        actor=kept,
        actor_kind="candidate",
        to_state="received",
        at=timezone.now(),
    )
    last = UserFactory(unactivated=True, date_joined=old)
    assert first.pk < kept.pk < last.pk

    def held():
        return (
            EmailAddress.objects.filter(user=kept).count(),
            Dossier.objects.filter(user=kept).count(),
            Candidature.objects.filter(dossier__user=kept).count(),
            CandidatureTransition.objects.filter(actor=kept).count(),
        )

    assert held() == (1, 1, 2, 1)
    assert len(accounts_purge_unactivated().deleted) == 2
    assert list(User.objects.values_list("pk", flat=True)) == [kept.pk]
    assert held() == (1, 1, 2, 1)


# --- nothing left behind ------------------------------------------------------------------


def _relations_into(models_):
    """Every concrete foreign key (one-to-one included, auto-created many-to-many tables too)
    of every installed model that points at one of ``models_``: found by looking at the
    models, not at the purge's code, so a table added later is checked without being named."""
    from django.apps import apps

    return [
        field
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in models_
    ]


def _deleted_with_the_account():
    """The models whose rows go when an account goes: the user, and recursively every model
    pointing with CASCADE at one of them (dossier, its sections, applications, pieces...)."""
    from django.db.models import CASCADE

    found = {User}
    while True:
        more = {
            field.model
            for field in _relations_into(found)
            if field.remote_field.on_delete is CASCADE
        } - found
        if not more:
            return found
        found |= more


def _everything_attached(doomed, bystander):
    """Rows of every kind that can point at an unactivated account (directly or through its
    dossier, applications, mails...); some of them from the bystander's side (a piece of the
    bystander's that the account reviewed, an opinion it wrote on the bystander's application)."""
    from allauth.account.models import EmailAddress, EmailConfirmation
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount, SocialToken
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import Group, Permission
    from django.core.files.base import ContentFile
    from django_cas_ng.models import ProxyGrantingTicket

    from audit.models import AuditEntry
    from candidatures.models import BulkOperation, CandidatureTransition, StaffNote
    from commissions.models import DecisionDetail, Opinion
    from dossiers.models import Address, Baccalaureate, InternalCursus
    from ent.models import EntIdentity, IneClaim
    from exports.models import Export
    from jobs.models import JobRun
    from notifications.models import OutboxAttachment
    from tests.factories import (
        CandidatureFactory,
        CentreFactory,
        DossierFactory,
        ExperienceFactory,
        ExternalCursusFactory,
        InternshipFactory,
        OutboxFactory,
        PersonalInfoFactory,
        PieceFactory,
        PieceTypeFactory,
        commission_with,
    )

    now = timezone.now()
    address = EmailAddress.objects.get(user=doomed)
    EmailConfirmation.objects.create(email_address=address, key="k" * 64)
    LogEntry.objects.create(user=doomed, object_repr="x", action_flag=1)
    Authenticator.objects.create(user=doomed, type="totp", data={})
    social = SocialAccount.objects.create(user=doomed, provider="cas", uid="doomed")
    SocialToken.objects.create(account=social, token="t")
    ProxyGrantingTicket.objects.create(user=doomed, pgtiou="iou", pgt="pgt")
    doomed.groups.add(Group.objects.create(name="some group"))
    doomed.user_permissions.add(Permission.objects.first())

    dossier = DossierFactory(user=doomed)
    PersonalInfoFactory(dossier=dossier)
    Address.objects.create(dossier=dossier, line1="1 rue")
    Baccalaureate.objects.create(dossier=dossier, kind="none")
    InternalCursus.objects.create(
        dossier=dossier, year=2020, programme_code="L1", programme_title="Licence"
    )
    ExternalCursusFactory(dossier=dossier)
    InternshipFactory(dossier=dossier)
    ExperienceFactory(dossier=dossier)
    first, second = CandidatureFactory.create_batch(2, dossier=dossier)
    shared = PieceTypeFactory(shared=True)
    piece = PieceFactory(candidature=first, piece_type=shared)
    PieceFactory(candidature=second, piece_type=shared, file=piece.file.name)  # one file, two rows
    CandidatureTransition.objects.create(
        candidature=first, event="submit", actor_kind="candidate", to_state="received", at=now
    )
    StaffNote.objects.create(candidature=first, text="note", created_at=now)
    DecisionDetail.objects.create(candidature=first, updated_at=now)

    centre = CentreFactory()
    centre.staff.add(doomed)
    others = CandidatureFactory(dossier=bystander.dossier, programme__centre=centre)
    commission_with(others.programme, members=[doomed])
    Opinion.objects.create(candidature=first, author=bystander, updated_at=now)
    Opinion.objects.create(candidature=others, author=doomed, updated_at=now)
    kept = PieceFactory(candidature=others, reviewed_by=doomed)
    CandidatureTransition.objects.create(
        candidature=others,
        event="submit",
        actor=doomed,
        actor_kind="staff",
        to_state="received",
        at=now,
    )
    StaffNote.objects.create(
        candidature=others, text="by the doomed", author=doomed, created_at=now
    )
    BulkOperation.objects.create(actor=doomed, action="validate")
    AuditEntry.objects.create(
        at=now, actor=doomed, actor_label=doomed.email, action="x", content_type_id=1, object_id="1"
    )
    JobRun.objects.create(job="x", trigger="command", triggered_by=doomed)
    OutboxAttachment.objects.create(
        outbox=OutboxFactory(recipient=doomed),
        filename="a.pdf",
        mimetype="application/pdf",
        content=b"%PDF",
    )
    EntIdentity.objects.create(user=doomed, provider="cas", uid="doomed")
    IneClaim.objects.create(user=doomed, ine="1234567890A", birth_date=datetime.date(2000, 1, 1))
    export = Export(owner=doomed, kind="csv")
    export.file.save("doomed.csv", ContentFile(b"a;b"), save=True)
    return {"piece": piece.file.name, "export": export.file.name, "kept": kept.file.name}


@pytest.mark.usefixtures("media")
def test_the_purge_leaves_nothing_that_points_at_the_account(django_capture_on_commit_callbacks):
    """Every foreign key into the account, its dossier, applications, mails... (found by
    introspection) has a row before the purge, and none after; rows only *naming* the account
    with SET_NULL (audit, a piece it reviewed, a note it wrote) stay, without the link; the
    stored files of its documents and exports are deleted after the commit, the bystander's
    stay. Sessions are not in the list: an account not activated cannot sign in."""
    from django.core.files.storage import default_storage
    from django.db.models import CASCADE, SET_NULL

    from audit.models import AuditEntry
    from tests.factories import DossierFactory

    old = timezone.now() - datetime.timedelta(days=3)
    doomed = UserFactory(unactivated=True, date_joined=old)
    bystander = DossierFactory(user=UserFactory(date_joined=old)).user
    files = _everything_attached(doomed, bystander)

    doomed_rows = {User: {doomed.pk}}  # model: pks going with the account
    pointing = {}  # foreign key: (pks of the rows using it, values it held)
    cascaded = _deleted_with_the_account()
    relations = _relations_into(cascaded)
    for _ in range(len(cascaded)):  # depth of the cascade, at most
        for field in relations:
            targets = doomed_rows.get(field.related_model, set())
            rows = field.model._base_manager.filter(**{f"{field.name}__in": targets})
            pointing[field] = (
                set(rows.values_list("pk", flat=True)),
                set(rows.values_list(field.attname, flat=True)),
            )
            if field.remote_field.on_delete is CASCADE:
                doomed_rows.setdefault(field.model, set()).update(pointing[field][0])
    empty = sorted(f"{f.model._meta.label}.{f.name}" for f, (pks, _) in pointing.items() if not pks)
    assert empty == [], "build a row of these in _everything_attached"
    assert {f.remote_field.on_delete for f in relations} <= {CASCADE, SET_NULL}
    before = {model: model._base_manager.count() for model in cascaded}

    with django_capture_on_commit_callbacks(execute=True):
        report = accounts_purge_unactivated()

    assert len(report.deleted) == 1
    for field, (pks, values) in pointing.items():
        label = f"{field.model._meta.label}.{field.name}"
        assert not field.model._base_manager.filter(**{f"{field.attname}__in": values}), label
        survivors = field.model._base_manager.filter(pk__in=pks)
        if field.remote_field.on_delete is SET_NULL:
            assert survivors.count() == len(pks), label
        elif field.model in doomed_rows:
            assert not survivors.exists(), label
    for model, pks in doomed_rows.items():
        assert not model._base_manager.filter(pk__in=pks).exists(), model
        assert model._base_manager.count() == before[model] - len(pks), model  # nothing more
    entry = AuditEntry.objects.get()
    assert (entry.actor_id, entry.actor_label) == (None, doomed.email)
    assert not default_storage.exists(files["piece"])
    assert not default_storage.exists(files["export"])
    assert default_storage.exists(files["kept"])
    assert User.objects.filter(pk=bystander.pk).exists()


@pytest.mark.usefixtures("media")
def test_a_file_another_row_still_names_is_kept(django_capture_on_commit_callbacks):
    """The files are deleted only when no row names them any more (a shared piece's file)."""
    from django.core.files.storage import default_storage

    from tests.factories import CandidatureFactory, DossierFactory, PieceFactory

    old = timezone.now() - datetime.timedelta(days=3)
    dossier = DossierFactory(user=UserFactory(unactivated=True, date_joined=old))
    piece = PieceFactory(candidature=CandidatureFactory(dossier=dossier))
    other = PieceFactory(candidature=CandidatureFactory(dossier=DossierFactory()))
    other.file = piece.file.name
    other.save()
    with django_capture_on_commit_callbacks(execute=True):
        accounts_purge_unactivated()
    assert default_storage.exists(piece.file.name)
