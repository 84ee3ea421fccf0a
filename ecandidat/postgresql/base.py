"""Django's PostgreSQL backend, whose foreign keys say in the database what their ``on_delete``
says in Python (``ENGINE = "ecandidat.postgresql"``, set by the settings for a PostgreSQL
``DATABASE_URL``).

Django leaves every foreign key's action at ``NO ACTION`` and cascades in Python. That costs
nothing when the ORM deletes (it deletes or nulls the dependants first), but a deleted row of
a table many keys point at still fires one ``NO ACTION`` check per key and row at commit, two
queries each (is there another row with this key? is the key still used?). The purge deletes
100,000 accounts with 21 keys pointing at them: 4.2 million queries, most of its time, and
most of all on a loaded machine. With ``ON DELETE CASCADE`` / ``SET NULL`` the action is one
query per key and row, run in the statement; the purge's own statements (``ecandidat.deletion``)
have already deleted or nulled the dependants, so the actions find nothing to do. What the
ORM does is unchanged; a raw ``DELETE`` now cascades as ``on_delete`` says instead of failing
at commit (files of rows deleted that way are left to ``sweep_orphan_files``).
"""

from django.db import models
from django.db.backends.postgresql import base, schema

ACTIONS = {models.CASCADE: "CASCADE", models.SET_NULL: "SET NULL"}


def on_delete_sql(field) -> str:
    """The database's action for this foreign key: CASCADE and SET_NULL are mirrored; every
    other rule (PROTECT, RESTRICT, DO_NOTHING, SET_DEFAULT, SET()) stays ``NO ACTION``, as the
    ORM enforces it."""
    action = ACTIONS.get(field.remote_field.on_delete)
    return f" ON DELETE {action}" if action else ""


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    sql_create_fk = (
        "ALTER TABLE %(table)s ADD CONSTRAINT %(name)s FOREIGN KEY (%(column)s) "
        "REFERENCES %(to_table)s (%(to_column)s)%(on_delete)s%(deferrable)s"
    )
    # A column added with a foreign key gets its constraint from ``_create_fk_sql`` too (at the
    # end of the migration, as for a new table), rather than inline without the action.
    sql_create_column_inline_fk = None

    def _create_fk_sql(self, model, field, suffix):
        statement = super()._create_fk_sql(model, field, suffix)
        statement.parts["on_delete"] = on_delete_sql(field)
        return statement


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor


def mismatched_foreign_keys(connection, models_) -> list[tuple]:
    """(model, field, constraint name, action wanted) of every foreign key constraint of these
    models whose ``ON DELETE`` in the database is not its field's."""
    codes = {"": "a", " ON DELETE CASCADE": "c", " ON DELETE SET NULL": "n"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.relname, a.attname, c.conname, c.confdeltype FROM pg_constraint c"
            " JOIN pg_class t ON t.oid = c.conrelid"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
            " WHERE c.contype = 'f' AND cardinality(c.conkey) = 1"
            " AND pg_table_is_visible(c.conrelid)"
        )
        actual = {(table, column): (name, code) for table, column, name, code in cursor}
    found = []
    for model in models_:
        if not model._meta.managed or model._meta.proxy:
            continue
        for field in model._meta.local_fields:
            if not isinstance(field, models.ForeignKey) or not field.db_constraint:
                continue
            name, code = actual.get((model._meta.db_table, field.column), (None, None))
            wanted = on_delete_sql(field)
            if name is not None and code != codes[wanted]:
                found.append((model, field, name, wanted))
    return found


def sync_foreign_key_actions(apps, schema_editor) -> None:
    """Migration step: gives every existing foreign key constraint the action of its field
    (the constraints Django created before this backend had ``NO ACTION``). Each is dropped and
    added again under its own name, in one statement."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for model, field, name, wanted in mismatched_foreign_keys(
        connection, apps.get_models(include_auto_created=True)
    ):
        target = field.target_field
        schema_editor.execute(
            f"ALTER TABLE {quote(model._meta.db_table)} DROP CONSTRAINT {quote(name)},"
            f" ADD CONSTRAINT {quote(name)} FOREIGN KEY ({quote(field.column)})"
            f" REFERENCES {quote(target.model._meta.db_table)} ({quote(target.column)})"
            f"{wanted}{connection.ops.deferrable_sql()}"
        )
