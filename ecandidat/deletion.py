"""Deleting many rows with everything that depends on them, one statement per table.

``QuerySet.delete()`` goes through Django's deletion collector: it reads every table that
points at the rows (and at their dependants, recursively), brings those rows into Python and
deletes them by primary key. For a batch of 1,000 accounts that was 22 tables read and every
row fetched, most of the purge's time. ``delete_with_dependants`` writes the same cascade as
SQL, planned once per model from the models' relations (the collector's own list of them,
``get_candidate_relations_to_delete``): each table reached through ``CASCADE`` gets one
``DELETE`` whose condition is the chain of foreign keys back to the given ids, each
``SET_NULL`` one ``UPDATE``, dependants before what they depend on. A model added later that
points at an account is therefore deleted (or nulled) with it without anyone listing it here.

What the collector does that this does not, and so refuses when planning (``Unsupported``)
rather than silently deleting differently: ``PROTECT``, ``RESTRICT``, ``SET_DEFAULT`` and
``SET(...)`` rules, generic relations, cycles, and models someone listens to with
``pre_delete``/``post_delete`` (nothing sends them here). Stored files are not deleted by the
statements: their names come back (``DELETE ... RETURNING``, which PostgreSQL and SQLite
have), for ``delete_unreferenced_files`` after the commit.

On PostgreSQL the foreign keys carry the same actions in the schema (``ecandidat.postgresql``):
the statements have deleted or nulled every dependant before the rows they depend on go, so
those actions find nothing, but they cost one query per key and deleted row where Django's
``NO ACTION`` keys cost two at commit.
"""

import logging
from dataclasses import dataclass, field
from functools import cache

from django.db import connections, models, router, transaction
from django.db.models.deletion import get_candidate_relations_to_delete
from django.db.models.signals import post_delete, pre_delete

from .storage import storage_errors

logger = logging.getLogger(__name__)


# Where "is one of the ids" goes in a planned statement: ``= ANY(<array>)`` on PostgreSQL (one
# array literal: a list of 1,000 placeholders cost more to send and plan than the deletes),
# ``IN (%s, ...)`` elsewhere.
IN_IDS = "<in ids>"


class Unsupported(Exception):
    """A relation whose rule this module does not apply: use ``QuerySet.delete()``."""


@dataclass
class Step:
    model: type[models.Model]
    sql: str  # with IN_IDS once
    files: list[str] = field(default_factory=list)  # FileFields, as the RETURNING lists them


@dataclass
class DeletedFiles:
    """Stored file names of the deleted rows: {(model, field name): names}."""

    names: dict[tuple[type[models.Model], str], set[str]] = field(default_factory=dict)

    def add(self, model, field_name, names):
        self.names.setdefault((model, field_name), set()).update(n for n in names if n)

    def __len__(self):
        return sum(len(names) for names in self.names.values())


def _check_deletable(model) -> None:
    if pre_delete.has_listeners(model) or post_delete.has_listeners(model):
        raise Unsupported(f"{model._meta.label} has deletion signal receivers")
    for private in model._meta.private_fields:
        if hasattr(private, "bulk_related_objects"):
            raise Unsupported(f"{model._meta.label}.{private.name} is a generic relation")


@cache
def plan(model: type[models.Model]) -> tuple[Step, ...]:
    """The statements that delete rows of ``model`` whose pk is in a list, with their
    dependants, in the order to run them."""
    steps: list[Step] = []
    _plan(model, f"{_column(model, model._meta.pk.column)} {IN_IDS}", steps, (model,))
    return tuple(steps)


def _name(model, name: str) -> str:
    return connections[router.db_for_write(model)].ops.quote_name(name)


def _column(model, column: str) -> str:
    return f"{_name(model, model._meta.db_table)}.{_name(model, column)}"


# The statements are put together from the models' table and column names (quoted), never
# from values: the ids go as parameters (hence the noqa: S608 below).
def _plan(model, where: str, steps: list[Step], path: tuple) -> None:
    _check_deletable(model)
    table = _name(model, model._meta.db_table)
    for relation in get_candidate_relations_to_delete(model._meta):
        child, fk = relation.related_model, relation.field
        if len(fk.foreign_related_fields) != 1:
            raise Unsupported(f"{child._meta.label}.{fk.name} spans several columns")
        target = fk.foreign_related_fields[0].column
        if len(path) == 1 and target == model._meta.pk.column:  # keyed by the ids themselves
            condition = f"{_column(child, fk.column)} {IN_IDS}"
        else:
            rows = f"SELECT {_column(model, target)} FROM {table} WHERE {where}"  # noqa: S608
            condition = f"{_column(child, fk.column)} IN ({rows})"
        if relation.on_delete is models.CASCADE:
            if child in path:
                raise Unsupported(f"cycle through {child._meta.label}")
            _plan(child, condition, steps, (*path, child))
        elif relation.on_delete is models.SET_NULL:
            nulled = f"{_name(child, child._meta.db_table)} SET {_name(child, fk.column)} = NULL"
            steps.append(Step(child, f"UPDATE {nulled} WHERE {condition}"))  # noqa: S608
        elif relation.on_delete is not models.DO_NOTHING:
            raise Unsupported(
                f"{child._meta.label}.{fk.name}: on_delete={relation.on_delete.__name__}"
            )
    files = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    sql = f"DELETE FROM {table} WHERE {where}"  # noqa: S608
    if files:
        sql += " RETURNING " + ", ".join(_name(model, f.column) for f in files)
    steps.append(Step(model, sql, [f.name for f in files]))


def delete_with_dependants(model: type[models.Model], ids: list) -> DeletedFiles:
    """Deletes the rows of ``model`` with these primary keys and everything that depends on
    them, as ``QuerySet.delete()`` would (CASCADE, SET_NULL); returns the stored file names
    the deleted rows held. Runs in the caller's transaction (one is opened if there is none);
    the caller locks the rows first if it must."""
    deleted = DeletedFiles()
    if not ids:
        return deleted
    using = router.db_for_write(model)
    connection = connections[using]
    array = connection.vendor == "postgresql"
    size = len(ids) if array else (connection.features.max_query_params or len(ids))
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for first in range(0, len(ids), size):
            chunk = list(ids[first : first + size])
            if array:
                # The array written once per batch, by the driver's own quoting, and put in
                # every statement: passed as a parameter, it was dumped again for each of the
                # 38 statements, in Python (a tenth of the purge's time).
                in_ids, params = f"= ANY({connection.ops.compose_sql('%s', [chunk])})", None
            else:
                in_ids, params = f"IN ({', '.join(['%s'] * len(chunk))})", chunk
            for step in plan(model):
                cursor.execute(step.sql.replace(IN_IDS, in_ids), params)
                if step.files:
                    rows = cursor.fetchall()
                    for index, name in enumerate(step.files):
                        deleted.add(step.model, name, (row[index] for row in rows))
    return deleted


def delete_unreferenced_files(deleted: DeletedFiles) -> None:
    """Deletes from storage the files of ``deleted`` that no row names any more (a shared
    piece's file stays while another application names it). Run it after the commit; a file
    the storage fails to delete is logged and left to ``sweep_orphan_files``."""
    for (model, field_name), names in deleted.names.items():
        if not names:
            continue
        still_named = set(
            model._base_manager.filter(**{f"{field_name}__in": names}).values_list(
                field_name, flat=True
            )
        )
        storage = model._meta.get_field(field_name).storage
        for name in sorted(names - still_named):
            try:
                storage.delete(name)
            except storage_errors():
                logger.warning("could not delete %s", name)
