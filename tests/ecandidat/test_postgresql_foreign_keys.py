"""ecandidat.postgresql: every foreign key's ON DELETE in the schema is its field's on_delete
(CASCADE, SET NULL; NO ACTION for the rest), whoever created it: our migrations, third-party
ones, or the migration that converted the constraints created before."""

import pytest
from django.apps import apps
from django.db import connection, models

from ecandidat.postgresql.base import mismatched_foreign_keys, sync_foreign_key_actions

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's schema"),
]


def _actions():
    """{(table, column): confdeltype} of the schema's single-column foreign keys."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.relname, a.attname, c.confdeltype FROM pg_constraint c"
            " JOIN pg_class t ON t.oid = c.conrelid"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
            " WHERE c.contype = 'f' AND pg_table_is_visible(c.conrelid)"
        )
        return {(table, column): code for table, column, code in cursor}


def test_every_foreign_key_has_the_action_of_its_field():
    actions = _actions()
    expected = {models.CASCADE: "c", models.SET_NULL: "n"}
    checked = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.local_fields:
            if isinstance(field, models.ForeignKey) and field.db_constraint:
                key = (model._meta.db_table, field.column)
                assert actions[key] == expected.get(field.remote_field.on_delete, "a"), key
                checked.append(field.remote_field.on_delete)
    # The three kinds are there (a key to the account of each: dossier, audit actor, ...).
    assert {models.CASCADE, models.SET_NULL, models.PROTECT} <= set(checked)
    assert mismatched_foreign_keys(connection, apps.get_models(include_auto_created=True)) == []


def test_the_migration_step_gives_an_old_constraint_its_action():
    """A constraint as Django created it before (NO ACTION) is found and rebuilt under its own
    name, still deferrable; the others are left alone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'dossiers_dossier'::regclass AND contype = 'f'"
            " AND pg_get_constraintdef(oid) LIKE 'FOREIGN KEY (user_id)%%'"
        )
        ((name, definition),) = cursor.fetchall()
        assert "ON DELETE CASCADE" in definition
        cursor.execute(
            f'ALTER TABLE dossiers_dossier DROP CONSTRAINT "{name}", ADD CONSTRAINT "{name}" '
            + definition.replace(" ON DELETE CASCADE", "")
        )
    everything = apps.get_models(include_auto_created=True)
    from dossiers.models import Dossier

    assert [(m, f.name, n) for m, f, n, _ in mismatched_foreign_keys(connection, everything)] == [
        (Dossier, "user", name)
    ]
    before = _actions()

    with connection.schema_editor() as editor:
        sync_foreign_key_actions(apps, editor)

    assert mismatched_foreign_keys(connection, everything) == []
    after = _actions()
    assert after == {**before, ("dossiers_dossier", "user_id"): "c"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s", [name]
        )
        assert cursor.fetchone()[0] == definition


def test_a_raw_delete_of_an_account_cascades_as_the_models_say():
    """No longer an error at commit: its email address goes with it, an audit row it signed
    keeps the name without the link."""
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from audit.models import AuditEntry
    from tests.factories import UserFactory

    user = UserFactory()
    assert EmailAddress.objects.filter(user=user).exists()
    entry = AuditEntry.objects.create(
        at=timezone.now(),
        actor=user,
        actor_label=user.email,
        action="x",
        content_type_id=1,
        object_id="1",
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_user WHERE id = %s", [user.pk])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what the commit would check
    assert not EmailAddress.objects.filter(user_id=user.pk).exists()
    entry.refresh_from_db()
    assert (entry.actor_id, entry.actor_label) == (None, user.email)
