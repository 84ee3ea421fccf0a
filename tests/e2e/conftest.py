"""Real Chromium (Debian's package) driven by Playwright against pytest-django's live server.

Playwright's own browser download cannot work here, so the system binary is used. In CI a
missing browser is a failure, never a skip."""

import os

import pytest
from django.urls import reverse

from tests.browser import CHROMIUM_ARGS, chromium_path
from tests.factories import PieceFactory, PieceTypeFactory
from tests.pieces.helpers import application


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread for the whole session;
    # the ORM calls the tests make between browser steps are still plain synchronous calls.
    # Unset again afterwards (check --deploy refuses the variable).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Playwright asks the browser to intercept file choosers when the first listener is added,
    # without waiting for the answer: a key pressed just after expect_file_chooser() could open
    # the chooser before the interception was on, and the event never came (26 times in 200 in
    # a loop here; CI failed on it once). A listener for the page's whole life keeps it on.
    page.on("filechooser", lambda chooser: None)
    yield page
    context.close()


@pytest.fixture
def candidate_forms(media_root):
    """A signed-up candidate with a complete dossier and a draft asking for two documents,
    one sent: every form page a candidate meets, with its address."""
    cv, letter = PieceTypeFactory(label_fr="CV"), PieceTypeFactory(label_fr="Lettre")
    candidature = application(None, cv, letter)
    PieceFactory(candidature=candidature, piece_type=cv)
    other = application(candidature.dossier, PieceTypeFactory(label_fr="Attestation"))
    paths = [
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("dossiers:overview"),
        reverse("dossiers:personal_info_edit"),
        reverse("dossiers:address_edit"),
        reverse("dossiers:baccalaureate_edit"),
        reverse("dossiers:external_cursus_add"),
        reverse("dossiers:internships_add"),
        reverse("dossiers:experiences_add"),
        reverse("dossiers:internships"),
        reverse("candidatures:offer"),
        reverse("candidatures:dashboard"),
        reverse("candidatures:detail", args=[candidature.pk]),
        reverse("candidatures:cancel", args=[candidature.pk]),
        reverse("candidatures:apply", args=[other.programme.pk]),
        reverse("pieces:upload", args=[candidature.pk, letter.pk]),
    ]
    return candidature.dossier.user, paths


@pytest.fixture
def media_root(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
