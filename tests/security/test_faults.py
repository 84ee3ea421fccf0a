"""The PostgreSQL connection dropped in the middle of a request: the error page, and no
half-done change (the real server ends the backend; nothing is mocked)."""

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from candidatures.models import Candidature, CandidatureTransition
from tests.factories import ProgrammeFactory
from tests.pieces.helpers import complete_dossier

pytestmark = pytest.mark.django_db(transaction=True)


def terminate_after(table: str):
    """An execute wrapper that, once an INSERT into ``table`` has run, has another session end
    this connection's backend (pg_terminate_backend): the next statement meets a dead server."""

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith(f'INSERT INTO "{table}"'):
            pid = context["connection"].connection.info.backend_pid
            settings = context["connection"].settings_dict
            with psycopg.connect(
                dbname=settings["NAME"],
                host=settings["HOST"] or None,
                port=settings["PORT"] or None,
                user=settings["USER"] or None,
                password=settings["PASSWORD"] or None,
                autocommit=True,
            ) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
        return result

    return wrapper


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL server to cut")
def test_a_connection_dropped_while_applying_gives_the_error_page_and_no_half_application(client):
    dossier = complete_dossier()
    programme = ProgrammeFactory()
    client.force_login(dossier.user)
    client.raise_request_exception = False
    with connection.execute_wrapper(terminate_after("candidatures_candidature")):
        response = client.post(reverse("candidatures:apply", args=[programme.pk]))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Un problème est survenu de notre côté" in page
    assert "rien n'est à moitié enregistré" in page
    # The application row was inserted, then the server went away before the commit: gone.
    assert not Candidature.objects.filter(dossier=dossier).exists()
    assert not CandidatureTransition.objects.filter(candidature__dossier=dossier).exists()
    # And the next request works on a fresh connection.
    assert client.get(reverse("candidatures:dashboard")).status_code == 200
