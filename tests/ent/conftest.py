"""Loopback servers for the ENT tests (one per session, state reset per test) and the settings
that point the application at them."""

import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from .servers import (
    CasHandler,
    CasState,
    OidcHandler,
    OidcState,
    RecordsHandler,
    RecordsState,
    start,
)

DEMO_RECORDS = Path(django_settings.BASE_DIR) / "ent" / "data" / "demo_student_records.json"

ALICE_CAS = {
    "uid": "alice.durand",
    "mail": "alice.durand@etu.example.org",
    "givenName": "Alice",
    "sn": "Durand",
    "supannEtuId": "21901234",
    "eduPersonAffiliation": ["student", "member"],
}


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """Each request runs its on-commit callbacks (the records import task) as a commit would."""
    send = client.request

    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return send(**kwargs)

    client.request = request
    return client


@pytest.fixture(scope="session")
def _cas_server():
    server, url = start(CasHandler, CasState())
    yield server, url
    server.shutdown()
    server.server_close()


@pytest.fixture
def cas_server(_cas_server, settings):
    server, url = _cas_server
    server.state = CasState()
    server.state.people["alice.durand"] = dict(ALICE_CAS)
    server.state.url = url
    settings.CAS_SERVER_URL = f"{url}/cas/"
    settings.ENT_CAS_TIMEOUT = 1.0
    settings.STUDENT_RECORDS_BACKEND = "fixture"
    settings.STUDENT_RECORDS_FIXTURE = str(DEMO_RECORDS)
    return server.state


@pytest.fixture(scope="session")
def _oidc_server():
    server, url = start(OidcHandler, OidcState())
    server.state.url = url
    yield server, url
    server.shutdown()
    server.server_close()


@pytest.fixture
def oidc_provider(_oidc_server, settings):
    server, url = _oidc_server
    state = server.state
    state.tamper = {}
    state.codes.clear()
    state.authorize_requests.clear()
    state.token_requests.clear()
    state.issued_id_tokens.clear()
    state.logouts.clear()
    state.person = {
        "sub": "f3c1a2b4-alice",
        "email": "alice.durand@etu.example.org",
        "email_verified": True,
        "given_name": "Alice",
        "family_name": "Durand",
        "supannEtuId": "21901234",
    }
    settings.CAS_SERVER_URL = ""
    settings.ENT_OIDC_SERVER_URL = url
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            **django_settings.SOCIALACCOUNT_PROVIDERS["openid_connect"],
            "APPS": [
                {
                    "provider_id": "ent",
                    "name": "ENT",
                    "client_id": state.client_id,
                    "secret": state.client_secret,
                    "settings": {"server_url": url},
                }
            ],
        }
    }
    settings.STUDENT_RECORDS_BACKEND = "fixture"
    settings.STUDENT_RECORDS_FIXTURE = str(DEMO_RECORDS)
    return state


@pytest.fixture(scope="session")
def _records_server():
    server, url = start(RecordsHandler, RecordsState())
    yield server, url
    server.shutdown()
    server.server_close()


@pytest.fixture
def records_server(_records_server, settings):
    server, url = _records_server
    server.state = RecordsState()
    server.state.records = json.loads(DEMO_RECORDS.read_text(encoding="utf-8"))
    server.state.url = f"{url}/api"
    settings.STUDENT_RECORDS_BACKEND = "http"
    settings.STUDENT_RECORDS_URL = f"{url}/api"
    settings.STUDENT_RECORDS_TOKEN = server.state.token
    settings.STUDENT_RECORDS_TIMEOUT = 1.0
    return server.state
