"""The PDF renderer fetches nothing from the network nor from files outside static."""

import http.server
import io
import threading

import pytest
from pypdf import PdfReader

from ecandidat.pdf import ResourceRefused, StaticOnlyFetcher, render_pdf, static_base_url


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


def test_rendered_pdf_skips_hostile_resources(counting_server, tmp_path, settings):
    url, hits = counting_server
    template = tmp_path / "hostile.html"
    template.write_text(
        '{% extends "pdf/base.html" %}{% block content %}<h1>Dossier</h1>'
        f'<img src="{url}/tracker.png"><link rel="stylesheet" href="{url}/x.css">'
        '<img src="file:///etc/hostname"><p>{{ name }}</p>{% endblock %}'
    )
    settings.TEMPLATES[0]["DIRS"] = [*settings.TEMPLATES[0]["DIRS"], tmp_path]
    pdf = render_pdf("hostile.html", {"name": "Inès Lefèvre"}, language="fr")
    assert pdf.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Inès Lefèvre" in text
    assert "Document généré le" in text
    assert settings.INSTITUTION_NAME in text
    assert hits == []
