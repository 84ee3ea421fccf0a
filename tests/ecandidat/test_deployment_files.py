"""The Docker image and the compose file, read as files (no Docker engine runs here):

- the image's WeasyPrint packages are enough: a PDF rendered here loads its libraries and its
  font only from the packages the Dockerfile lists (.ci/run installs that same list);
- migrations run once, in a one-shot service that every long-running service waits for;
- the image builds the catalogues and the static files, containers do not."""

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader
from weasyprint import HTML

from ecandidat.pdf import StaticOnlyFetcher, static_base_url

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
# What WeasyPrint opens itself (weasyprint/text/ffi.py) and what those pull in for text.
WEASYPRINT_LIBRARIES = re.compile(r"lib(pango|pangoft2|harfbuzz|fontconfig|gobject|glib)[-.]")


def image_packages() -> list[str]:
    match = re.search(r'^ARG WEASYPRINT_PACKAGES="([^"]+)"$', DOCKERFILE, re.MULTILINE)
    assert match, "the Dockerfile lists WeasyPrint's packages on one ARG line"
    return match.group(1).split()


def owner(path: str) -> str:
    result = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True, check=True)
    return result.stdout.split(":")[0]


@pytest.mark.skipif(not shutil.which("dpkg"), reason="needs a Debian system like the image")
def test_a_pdf_renders_with_only_the_packages_the_image_installs():
    packages = image_packages()
    status = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package} ${db:Status-Status}\n", *packages],
        capture_output=True,
        text=True,
    )
    installed = {
        line.split()[0] for line in status.stdout.splitlines() if line.endswith(" installed")
    }
    assert installed == set(packages), f"not installed here: {set(packages) - installed}"

    html = (
        '<html><head><link rel="stylesheet" href="pdf/document.css"></head>'
        "<body><h1>Attestation d'admission</h1><p>Inès Lefèvre, née le 14/09/2000</p></body></html>"
    )
    # html_to_pdf's own steps, with a look at what the process has loaded while the laid-out
    # document (and so its fonts) is still alive.
    document = HTML(
        string=html, base_url=static_base_url(), url_fetcher=StaticOnlyFetcher()
    ).render()
    mapped = {
        line.split()[-1] for line in Path("/proc/self/maps").read_text().splitlines() if "/" in line
    }
    pdf = document.write_pdf()
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert "Inès Lefèvre, née le 14/09/2000" in page.extract_text()
    fonts = {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert "DejaVu-Sans" in " ".join(fonts)  # what document.css asks for, found by name
    assert all("DejaVu" in name for name in fonts), fonts

    libraries = {p for p in mapped if WEASYPRINT_LIBRARIES.search(Path(p).name) and ".so" in p}
    font_files = {p for p in mapped if p.endswith((".ttf", ".otf"))}
    assert len(libraries) >= 6 and font_files
    owners = {path: owner(path) for path in libraries | font_files}
    outside = {path: package for path, package in owners.items() if package not in packages}
    assert not outside, f"loaded from packages the image does not list: {outside}"


def test_migrations_run_once_before_web_worker_and_beat():
    services = COMPOSE["services"]
    migrate = services["migrate"]
    assert migrate["restart"] == "no"
    assert (
        "manage.py migrate --noinput && python manage.py ensure_storage" in migrate["command"][-1]
    )
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
        assert "migrate" not in " ".join(services[name]["command"])
    assert "migrate" not in migrate["depends_on"]


def test_the_image_builds_catalogues_and_static_files():
    build_step = next(line for line in DOCKERFILE.split("RUN ") if "compile_messages" in line)
    assert "collectstatic --noinput" in build_step
    assert "ECANDIDAT_ENV=production" in build_step  # the manifest production's storage reads
    web = " ".join(COMPOSE["services"]["web"]["command"])
    assert "compile_messages" not in web and "collectstatic" not in web
    assert "*.mo" in (ROOT / ".dockerignore").read_text()  # built in the image, never copied


def test_production_drops_dsfr_integrity_hashes_its_static_storage_would_break():
    """django-dsfr's SRI hash is that of its file as shipped; production's manifest storage
    rewrites the file's url() references, so a browser would refuse it (the smoke run saw
    the pages unstyled). Production leaves the hashes out; embedded mode keeps them."""
    import base64
    import hashlib

    from django.contrib.staticfiles import finders
    from dsfr.checksums import INTEGRITY_CSS

    shipped = Path(finders.find("dsfr/dist/dsfr/dsfr.min.css")).read_bytes()
    digest = base64.b64encode(hashlib.sha384(shipped).digest()).decode()
    assert f"sha384-{digest}" == INTEGRITY_CSS
    assert b"url(" in shipped  # what ManifestStaticFilesStorage rewrites with hashed names

    from tests.ecandidat.test_settings_and_layout import PRODUCTION_ENV, run_manage

    show = "from django.conf import settings; print(settings.DSFR_USE_INTEGRITY_CHECKSUMS)"
    result = run_manage("shell", "-v", "0", "-c", show, env=PRODUCTION_ENV)
    assert result.stdout.strip() == "False", result.stderr
    result = run_manage("shell", "-v", "0", "-c", show, env={})
    assert result.stdout.strip() == "True", result.stderr
