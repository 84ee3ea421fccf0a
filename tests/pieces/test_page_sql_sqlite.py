"""The application page's documents statement is plain SQL written once per process: CI runs
the suite on PostgreSQL, while `make run` serves the demo on SQLite, where a LATERAL join made
the page a 500. Here the statement runs on an SQLite database of the four tables it reads."""

from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper

from candidatures.models import Candidature
from pieces import selectors
from pieces.models import Piece, PieceStatus, PieceType, RequiredPiece


def test_the_documents_statement_runs_on_sqlite(django_db_blocker):
    settings = {
        **connections["default"].settings_dict,
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
        "OPTIONS": {},
    }
    sqlite = DatabaseWrapper(settings, alias="sqlite-check")
    connections["sqlite-check"] = sqlite  # the schema editor looks its connection up by alias
    try:
        with django_db_blocker.unblock():
            _run(sqlite)
    finally:
        del connections["sqlite-check"]


def _run(sqlite):
    try:
        with sqlite.schema_editor() as editor:
            for model in (PieceType, RequiredPiece, Candidature, Piece):
                editor.create_model(model)
        sql, *_fields = selectors._page_sql()
        with sqlite.cursor() as cursor:
            cursor.execute(sql, [1, 1, PieceStatus.UPLOADED, 1, 1])
            assert cursor.fetchall() == []
    finally:
        sqlite.close()
