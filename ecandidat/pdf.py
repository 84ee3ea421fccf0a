"""PDF rendering with WeasyPrint (the application copy, the admission letter).

The documents are built from candidates' own text, so the renderer must never be a way out:
it fetches nothing from the network and no file outside the project's static folders."""

from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher


class ResourceRefused(ValueError):
    """WeasyPrint skips a resource whose fetch raises; the document renders without it."""


def allowed_roots() -> list[Path]:
    roots = [Path(root).resolve() for root in settings.STATICFILES_DIRS]
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            if getattr(storage, "location", None):
                roots.append(Path(storage.location).resolve())
    return roots


class StaticOnlyFetcher(URLFetcher):
    """Serves file: URLs inside the static folders and inline data: URLs; refuses the rest."""

    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = allowed_roots()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        scheme = urlparse(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlparse(url).path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                return super().fetch(url, headers)
        self.refused.append(url)
        raise ResourceRefused(f"resource refused in PDF rendering: {url}")


def static_base_url() -> str:
    return (Path(settings.BASE_DIR) / "static").resolve().as_uri() + "/"


def html_to_pdf(html: str, *, forms: bool = False) -> bytes:
    """``forms`` turns the HTML's inputs and textareas into fillable PDF form fields."""
    return HTML(string=html, base_url=static_base_url(), url_fetcher=StaticOnlyFetcher()).write_pdf(
        pdf_forms=forms
    )


def render_pdf(template_name: str, context: dict, *, language: str) -> bytes:
    """Renders a template to PDF in the given language."""
    with translation.override(language):
        html = render_to_string(
            template_name,
            {"INSTITUTION_NAME": settings.INSTITUTION_NAME, **context, "LANGUAGE_CODE": language},
        )
        return html_to_pdf(html)
