"""Querysets compiled once per connection and run again with new values.

Django writes a queryset's SQL again on every evaluation: for the small fixed reads every
candidate page makes (an application with its programme, its documents, its history),
writing the SQL costs more CPU than PostgreSQL's answer. A ``Prepared`` builds its queryset
once with stand-in numbers for its parameters, keeps the SQL and the compiler's bookkeeping
(columns, converters, the ``select_related`` instances), and each call executes that SQL with
the real values and builds the instances as Django's own iterator does. Only the statement is
kept, never a result. ``dossiers.selectors.dossier_for`` does the same by hand."""

import weakref
from collections.abc import Callable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, get_related_populators

# Stand-ins: negative numbers no primary key takes, each used once in a statement.
_FIRST_STAND_IN = -7_340_001


class _Slot:
    """Where a value goes in the statement's parameters: ``name``, or item ``index`` of it."""

    __slots__ = ("index", "name")

    def __init__(self, name, index=None):
        self.name, self.index = name, index


class _Statement:
    __slots__ = (
        "_compiler",
        "converters",
        "end",
        "init_list",
        "model",
        "params",
        "populators",
        "sql",
        "start",
    )

    def __init__(self, queryset: QuerySet, stand_ins: dict, connection):
        if queryset._iterable_class is not ModelIterable or queryset.query.annotation_select:
            raise TypeError("Prepared builds model instances only (no values(), no annotations).")
        compiler = queryset.query.get_compiler(connection=connection)
        self.sql, params = compiler.as_sql()
        self.params = [
            stand_ins.get(param, param) if type(param) is int else param for param in params
        ]
        found = [p for p in self.params if isinstance(p, _Slot)]
        if len(found) != len(stand_ins):
            raise ValueError("Each parameter must appear exactly once in the statement.")
        select, klass_info = compiler.select, compiler.klass_info
        self.model = klass_info["model"]
        self.start, self.end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, connection.alias)
        self.converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        self._compiler = compiler

    def run(self, values: dict, connection) -> list:
        params = [
            (values[p.name] if p.index is None else values[p.name][p.index])
            if isinstance(p, _Slot)
            else p
            for p in self.params
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = self._compiler.apply_converters(rows, self.converters)
        objects = []
        for row in rows:
            obj = self.model.from_db(connection.alias, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects


class Prepared:
    """``build(**parameters) -> QuerySet``; ``prepared(**values)`` returns the list of model
    instances ``build(**values)`` would, without compiling it again. A parameter is an int, or
    a sequence of ints (a statement is kept per length, up to ``max_length`` items; longer
    or empty lists are evaluated by the ORM as usual)."""

    def __init__(self, build: Callable[..., QuerySet], *, max_length: int = 10):
        self._build = build
        self._max_length = max_length
        self._statements: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __call__(self, **values) -> list:
        shape = tuple(
            (name, None if isinstance(value, int) else len(value))
            for name, value in sorted(values.items())
        )
        if any(length is not None and not 0 < length <= self._max_length for _n, length in shape):
            return list(self._build(**values))  # none: the ORM knows it finds nothing
        connection = connections[DEFAULT_DB_ALIAS]
        statements = self._statements.setdefault(connection, {})
        statement = statements.get(shape)
        if statement is None:
            statement = statements[shape] = self._prepare(shape, connection)
        return statement.run(values, connection)

    def _prepare(self, shape, connection) -> _Statement:
        stand_ins, arguments = {}, {}
        number = _FIRST_STAND_IN
        for name, length in shape:
            if length is None:
                stand_ins[number], arguments[name] = _Slot(name), number
                number -= 1
                continue
            items: Sequence[int] = []
            for index in range(length):
                stand_ins[number] = _Slot(name, index)
                items.append(number)
                number -= 1
            arguments[name] = items
        return _Statement(self._build(**arguments), stand_ins, connection)
