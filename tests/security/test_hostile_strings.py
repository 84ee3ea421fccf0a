"""Hostile strings in what candidates and staff type — names, address, programme title, a
staff comment — shown back in the pages (escaped), the mails (text and HTML; no header
injection by a CR/LF), and the PDFs (the copy, the admission letter, the full dossier): the
renderer fetches nothing, though every string points at a server on loopback that counts
the requests it gets (an ``<img>``, a ``<link>`` stylesheet, a CSS ``url()`` and
``@import``, a script, an iframe)."""

import html
import http.server
import io
import threading

import pytest
from django.urls import reverse
from pypdf import PdfReader

from dossiers.models import Address, PersonalInfo
from exports.dossier import full_dossier_pdf
from tests.factories import CandidatureFactory, ProgrammeFactory, centre_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def counting_server():
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def payloads(url):
    return {
        "birth_name": f"<img src={url}/name.png>",
        "first_names": f"<link rel=stylesheet href={url}/first.css>",
        "line1": f'<div style="background:url({url}/address.png)">5 rue</div>',
        "title": f"Master <style>@import url({url}/title.css);</style>\r\nBcc: evil@example.org",
        "comment": f'<script>fetch("{url}/c")</script><iframe src="{url}/frame"></iframe>',
        "user_first_name": f'"><svg onload=fetch("{url}/svg")>',
    }


# Markup that must never reach a page, a mail's HTML or a PDF as markup.
RAW = ["<img src=http", "<link rel=stylesheet", '<div style="background', "<style>@import"]
RAW += ["<script>fetch", "<iframe src=", "<svg onload"]


@pytest.fixture
def hostile(counting_server, django_capture_on_commit_callbacks):
    url, hits = counting_server
    hits.clear()
    strings = payloads(url)
    programme = ProgrammeFactory(title=strings["title"])
    candidature = CandidatureFactory(
        programme=programme, favourable=True, incomplete_comment=strings["comment"]
    )
    dossier = candidature.dossier
    PersonalInfo.objects.filter(dossier=dossier).update(
        birth_name=strings["birth_name"], first_names=strings["first_names"]
    )
    Address.objects.filter(dossier=dossier).update(line1=strings["line1"])
    dossier.user.first_name = strings["user_first_name"]
    dossier.user.last_name = strings["birth_name"]
    dossier.user.save()
    draft = CandidatureFactory(dossier=dossier, programme=ProgrammeFactory(title=strings["title"]))
    return candidature, draft, strings, hits


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_pages_show_the_strings_escaped(client, hostile):
    candidature, draft, strings, hits = hostile
    client.force_login(candidature.dossier.user)
    urls = [
        reverse("candidatures:dashboard"),
        reverse("candidatures:detail", args=[candidature.pk]),
        reverse("candidatures:detail", args=[draft.pk]),
        reverse("dossiers:overview"),
        reverse("dossiers:personal_info"),
        reverse("dossiers:address"),
        reverse("notifications:message_list"),
    ]
    shown = set()
    for url in urls:
        page = client.get(url).content.decode()
        assert [raw for raw in RAW if raw in page] == [], url
        shown.update(name for name, value in strings.items() if html.escape(value[:20]) in page)
    # The strings are there, as text: names, address, title.
    assert {"birth_name", "first_names", "line1", "title"} <= shown


def test_the_staff_admin_shows_them_escaped(client, hostile):
    candidature, _draft, _strings, _hits = hostile
    client.force_login(centre_staff(candidature.programme.centre, totp=True))
    for url in [
        reverse("admin:candidatures_candidature_change", args=[candidature.pk]),
        reverse("admin:candidatures_candidature_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert [raw for raw in RAW if raw in page] == [], url


def test_the_pdfs_fetch_nothing_and_show_the_strings_as_text(client, hostile):
    candidature, _draft, strings, hits = hostile
    client.force_login(candidature.dossier.user)
    copy = client.get(reverse("candidatures:pdf_copy", args=[candidature.pk]))
    letter = client.get(reverse("candidatures:admission_letter", args=[candidature.pk]))
    dossier = full_dossier_pdf(candidature, language="fr")
    assert (copy.status_code, letter.status_code) == (200, 200)

    assert hits == []  # neither the img, the link, the url() nor the @import was fetched
    copy_text = " ".join(_pdf_text(copy.content).split())
    assert "<img src=http://127.0.0.1" in copy_text  # shown as written
    assert "<link rel=stylesheet" in copy_text
    assert "background:url(" in copy_text
    assert "@import url(" in " ".join(_pdf_text(letter.content).split())
    assert "<img src=http://127.0.0.1" in " ".join(_pdf_text(dossier).split())


def test_mails_escape_the_html_and_carry_no_injected_header(
    client, hostile, mailoutbox, django_capture_on_commit_callbacks
):
    _candidature, draft, strings, hits = hostile
    user = draft.dossier.user
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pieces:submit", args=[draft.pk]))
    assert response.status_code == 302
    [mail] = mailoutbox
    assert "\r" not in mail.subject and "\n" not in mail.subject
    assert "Master <style>@import" in mail.subject  # the title, on one line
    assert mail.recipients() == [user.email]
    raw = mail.message().as_bytes().decode("utf-8", "replace")
    headers = raw.split("\n\n", 1)[0]
    assert not [line for line in headers.splitlines() if line.lower().startswith("bcc")]
    [(body_html, mimetype)] = mail.alternatives
    assert mimetype == "text/html"
    assert [raw for raw in RAW if raw in body_html] == []
    assert html.escape("Master <style>@import") in body_html
    assert "Master <style>@import" in mail.body  # plain text: shown as written
    assert hits == []
