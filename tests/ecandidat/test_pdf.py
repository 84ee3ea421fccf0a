"""The PDF renderer fetches nothing from the network nor from files outside static."""

import http.server
import io
import threading

import pytest
from pypdf import PdfReader

from ecandidat.pdf import (
    ResourceRefused,
    StaticOnlyFetcher,
    html_to_pdf,
    render_pdf,
    static_base_url,
)


@pytest.fixture
def counting_server():
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def test_fetcher_refuses_network_and_files_outside_static(counting_server):
    url, hits = counting_server
    fetcher = StaticOnlyFetcher()
    for refused in (f"{url}/x.png", "file:///etc/passwd", static_base_url() + "../manage.py"):
        with pytest.raises(ResourceRefused):
            fetcher.fetch(refused)
    assert hits == []
    css = fetcher.fetch(static_base_url() + "pdf/document.css")
    assert b"@page" in css.read()


def test_rendered_pdf_skips_hostile_resources(counting_server):
    url, hits = counting_server
    html = (
        '<html><head><link rel="stylesheet" href="pdf/document.css">'
        f'<link rel="stylesheet" href="{url}/x.css"></head><body><h1>Dossier</h1>'
        f'<img src="{url}/tracker.png"><img src="file:///etc/hostname"><p>Inès Lefèvre</p></body></html>'
    )
    pdf = html_to_pdf(html)
    assert PdfReader(io.BytesIO(pdf)).pages[0].extract_text().count("Inès Lefèvre") == 1
    assert hits == []


def test_render_pdf_uses_the_language_and_institution(settings):
    settings.INSTITUTION_NAME = "Université de Démonstration"
    french = PdfReader(io.BytesIO(render_pdf("pdf/base.html", {}, language="fr")))
    english = PdfReader(io.BytesIO(render_pdf("pdf/base.html", {}, language="en")))
    assert "Document généré le" in french.pages[0].extract_text()
    assert "Document generated on" in english.pages[0].extract_text()
    assert "Université de Démonstration" in french.pages[0].extract_text()
