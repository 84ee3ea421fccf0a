"""The student-records interface: the JSON fixture and the HTTP client, the latter against a
real REST server on loopback, including a dead host, a slow one, 500s and broken answers."""

import datetime
import json
import socket

import pytest

from ent.records import (
    FixtureRecords,
    HttpRecords,
    RecordsUnavailable,
    get_student_records,
    parse_record,
)

from .conftest import DEMO_RECORDS

ALICE_INE, ALICE_BIRTH = "1234567890V", datetime.date(2001, 3, 14)


def test_fixture_looks_up_by_student_number_and_by_ine_with_birth_date():
    records = FixtureRecords(DEMO_RECORDS)

    alice = records.lookup_by_student_number("21901234")
    assert (alice.birth_name, alice.ine, len(alice.cursus)) == ("Durand", ALICE_INE, 3)
    assert records.lookup_by_ine(ALICE_INE, ALICE_BIRTH).student_number == "21901234"
    assert records.lookup_by_ine(ALICE_INE.lower(), ALICE_BIRTH) is not None
    assert records.lookup_by_ine(ALICE_INE, datetime.date(2001, 3, 15)) is None
    assert records.lookup_by_student_number("00000000") is None


def test_a_broken_fixture_file_is_unavailable_not_a_crash(tmp_path):
    path = tmp_path / "records.json"
    path.write_text('[{"student_number": "1"}]')
    with pytest.raises(RecordsUnavailable) as error:
        FixtureRecords(path).lookup_by_student_number("1")
    assert error.value.reason == "bad_answer"


@pytest.mark.parametrize(
    "change",
    [
        {"birth_date": "14/03/2001"},
        {"civility": "mlle"},
        {"cursus": [{"year": "2020"}]},
        {"birth_name": ""},
        {"address": "somewhere"},
    ],
)
def test_a_record_with_bad_fields_is_refused(change):
    data = {**json.loads(DEMO_RECORDS.read_text())[0], **change}
    with pytest.raises(ValueError):
        parse_record(data)


def test_http_lookups_send_the_token_and_parse_the_answer(records_server):
    client = HttpRecords(records_server.url, records_server.token, timeout=1)

    assert client.lookup_by_student_number("21901234").first_names == "Alice, Jeanne"
    assert client.lookup_by_ine(ALICE_INE, ALICE_BIRTH).student_number == "21901234"
    assert client.lookup_by_student_number("99999999") is None
    assert records_server.requests[1] == (f"/api/students?ine={ALICE_INE}&birth_date=2001-03-14")


def test_http_settings_build_the_http_client(records_server, settings):
    records = get_student_records()
    assert isinstance(records, HttpRecords)
    assert records.lookup_by_student_number("22004567").birth_town == "Casablanca"
    settings.STUDENT_RECORDS_BACKEND = ""
    assert get_student_records() is None


@pytest.mark.parametrize(
    ("mode", "reason"),
    [("slow", "timeout"), ("error", "status"), ("garbage", "bad_answer"), ("huge", "bad_answer")],
)
def test_http_failures_are_unavailable_with_their_reason(records_server, mode, reason):
    records_server.mode = mode
    records_server.delay = 2.0
    client = HttpRecords(records_server.url, records_server.token, timeout=0.5)

    with pytest.raises(RecordsUnavailable) as error:
        client.lookup_by_student_number("21901234")

    assert error.value.reason == reason


def test_a_wrong_token_is_a_clear_failure(records_server):
    client = HttpRecords(records_server.url, "wrong-token", timeout=1)
    with pytest.raises(RecordsUnavailable) as error:
        client.lookup_by_student_number("21901234")
    assert error.value.reason == "status" and "401" in error.value.detail


def test_a_dead_host_is_down():
    with socket.socket() as probe:  # a port bound then released: nobody listens on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = HttpRecords(f"http://127.0.0.1:{port}/api", "t", timeout=1)
    with pytest.raises(RecordsUnavailable) as error:
        client.lookup_by_student_number("21901234")
    assert error.value.reason == "down"


def test_an_empty_url_is_not_configured():
    with pytest.raises(RecordsUnavailable) as error:
        HttpRecords("", "t")
    assert error.value.reason == "not_configured"
