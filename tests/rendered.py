"""Rendered pages compared in the tests (a reference file, the template against the HTML
written in Python, the memo against a live drawing): what differs between two renderings of
the same page and is not the page's business."""

import re


def masked(html: str) -> str:
    """Without the CSRF token and the CSP nonces, which change on every response."""
    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1TOKEN", html)
    return re.sub(r'nonce="[^"]+"', 'nonce="NONCE"', html)


def normalised(html: str) -> str:
    """``masked``, the ids in paths and without blank lines: what a reference file holds."""
    html = masked(html)
    # Paths in attributes (links, forms, the language switch's "next") carry the ids.
    html = re.sub(r'="(/[^"]*)"', lambda m: '="' + re.sub(r"\d+", "N", m.group(1)) + '"', html)
    # Lines of blanks only (a tag's line in the template) change nothing a browser shows.
    return "".join(line for line in html.splitlines(keepends=True) if line.strip())


def collapsed(html: str) -> str:
    """Runs of blanks as one: the same for a browser (no <pre> in these pages)."""
    return re.sub(r"\s+", " ", html).strip()
