"""The upload handler, through the test client: too-big uploads are not read to the end."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pieces.uploads import SizeLimitedUploadHandler

from . import corpus

pytestmark = pytest.mark.urls("tests.pieces.urls")
MB = corpus.MB


def _file(name, data):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_a_good_file_goes_through_the_handler_to_the_checks(client):
    response = client.post("/one/", {"document": _file("cv.pdf", corpus.pdf())})

    assert response.status_code == 200
    assert response.content.decode().startswith("stored cv.pdf pdf ")


def test_a_file_one_byte_over_the_limit_is_skipped_while_streaming(client, settings):
    big = b"%PDF-" + b"0" * (settings.PIECES_MAX_UPLOAD_BYTES - 4)

    response = client.post(
        "/one/", {"document": _file("scan.pdf", big), "note": "kept"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.content.decode().startswith(
        "scan.pdf: This file is larger than 5 MB, the limit."
    )
    # Nothing past the limit reached a handler that stores, and the file was not kept...
    assert int(response["X-Received"]) <= settings.PIECES_MAX_UPLOAD_BYTES + 64 * 1024
    assert response["X-Files"] == ""
    # ...yet the rest of the form was read: the page can answer normally.
    assert response["X-Note"] == "kept"


def test_a_request_announcing_more_than_the_total_is_stopped_before_any_file_is_read(client):
    files = [_file(f"page{n}.pdf", b"%PDF-" + b"0" * (2 * MB)) for n in range(3)]

    response = client.post("/one/", {"document": files, "note": "lost"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()
    assert response["X-Received"] == "0"
    assert response["X-Files"] == ""


def test_several_files_within_the_total_are_merged(client):
    pages = [_file(f"page{n}.jpg", corpus.image(size=(300, 400))) for n in range(3)]

    response = client.post("/several/", {"pages": pages})

    assert response.status_code == 200, response.content
    assert response.content.decode().startswith("stored page0.pdf pdf ")


def test_the_message_follows_the_page_language(client, settings):
    big = b"%PDF-" + b"0" * settings.PIECES_MAX_UPLOAD_BYTES

    response = client.post("/one/", {"document": _file("scan.pdf", big)}, HTTP_ACCEPT_LANGUAGE="fr")

    assert "Ce fichier dépasse 5 Mo, la taille maximale." in response.content.decode()


def test_csrf_protection_is_kept():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/one/", {"document": _file("cv.pdf", corpus.pdf())})

    assert response.status_code == 403


def test_the_handler_alone_skips_then_stops():
    handler = SizeLimitedUploadHandler(max_bytes=10, max_total_bytes=25)
    handler.new_file("document", "a.pdf", "application/pdf", None)

    assert handler.receive_data_chunk(b"x" * 10, 0) == b"x" * 10
    with pytest.raises(Exception) as skipped:
        handler.receive_data_chunk(b"x", 10)
    assert type(skipped.value).__name__ == "SkipFile"

    handler.new_file("other", "b.pdf", "application/pdf", None)
    handler.receive_data_chunk(b"y" * 10, 0)
    with pytest.raises(Exception) as stopped:
        handler.receive_data_chunk(b"y" * 10, 10)
    assert type(stopped.value).__name__ == "StopUpload"
    assert stopped.value.connection_reset


@pytest.mark.parametrize(("megabytes", "shown"), [(7.2, "7,2"), (7.9, "7,9")])
def test_an_oversize_file_is_told_its_own_size(client, megabytes, shown):
    """Issue 13: a 7.2 MB and a 7.9 MB file were both "trop volumineux (5,1 Mo)"."""
    big = b"%PDF-" + b"0" * (int(megabytes * MB) - 5)

    response = client.post(
        "/several/", {"pages": [_file("scan.pdf", big)]}, HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert response.status_code == 400
    assert (
        f"Ce fichier est trop volumineux (environ {shown} Mo) : la limite est de 5 Mo."
        in response.content.decode()
    )
