"""axe-core on every candidate page, signed in, in French and in English (issue 13).

axe-core is an npm devDependency pinned in package.json (``npm ci`` installs it under
node_modules/, which .ci/run does when it is missing). In CI a missing axe-core is a failure,
never a skip. The context bypasses our Content-Security-Policy only so that the test can
inject axe's script; the pages are otherwise served as to a candidate."""

import json
import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, PieceFactory

from .test_application_journey import sign_in
from .test_candidate_pages import ANONYMOUS_FORMS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The WCAG 2.0 and 2.1 rules of levels A and AA: what the RGAA 4.1 builds on.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing: .ci/run installs it with `npm ci`")
        pytest.skip("axe-core is not installed (npm ci)")
    return AXE.read_text()


def violations(page, axe_source, path):
    response = page.goto(path)
    assert response.status == 200, path
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        f"{path} [{v['impact']}] {v['id']}: {v['help']} — "
        + ", ".join(json.dumps(node["target"]) for node in v["nodes"][:3])
        for v in result["violations"]
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_candidate_pages_have_no_axe_violation(
    browser, live_server, axe_source, language, candidate_forms
):
    user, paths = candidate_forms
    candidature = user.dossier.candidatures.first()
    paths = [
        *paths,
        reverse("notifications:message_list"),
        reverse("dossiers:personal_info"),
        reverse("dossiers:address"),
        reverse("dossiers:baccalaureate"),
        reverse("dossiers:internal_cursus"),
        reverse("dossiers:external_cursus"),
        reverse("dossiers:experiences"),
    ]
    context = browser.new_context(
        locale="fr-FR" if language == "fr" else "en-GB",
        base_url=live_server.url,
        bypass_csp=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        found = []
        for path in ANONYMOUS_FORMS:
            found += violations(page, axe_source, path)
        if language == "fr":
            sign_in(page, user)
        else:
            sign_in_english(page, user)
        for path in paths:
            found += violations(page, axe_source, path)
        # The submit confirmation, once every piece is in.
        for required in candidature.programme.required_pieces.all():
            if not candidature.pieces.filter(piece_type=required.piece_type).exists():
                PieceFactory(candidature=candidature, piece_type=required.piece_type)
        found += violations(page, axe_source, reverse("pieces:submit", args=[candidature.pk]))
        assert page.locator("html").get_attribute("lang") == language
        assert found == [], "\n".join(found)
    finally:
        context.close()


def sign_in_english(page, user):
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("#content form button[type=submit]").click()
    page.locator("#candidate-number").wait_for()


def test_axe_sees_a_real_violation(browser, live_server, axe_source):
    """The check can fail: an input stripped of its label is reported."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.evaluate("() => document.querySelector('label[for=id_login]').remove()")
        page.add_script_tag(content=axe_source)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
        )
        assert "label" in {v["id"] for v in result["violations"]}
    finally:
        context.close()
