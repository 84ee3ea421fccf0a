"""The candidate's path with the keyboard alone (issue 13): sign up, activate, sign in, fill the
personal information, apply, upload a document and submit, pressing only Tab, Shift+Tab,
Enter, Space and typing. At every stop the focused element must show a visible focus ring,
and the error summary at the top of a form must lead to its fields.

The activation link is opened by address, as a mail client would; the address and
baccalauréat sections are filled beforehand (the personal information is the form typed
here: the other sections use the same field template)."""

import re

import pytest

from accounts.models import User
from candidatures.models import Candidature, Status
from dossiers.models import Address, Baccalaureate, BacKind
from tests.factories import CampaignFactory, ProgrammeFactory, RequiredPieceFactory
from tests.pieces import corpus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
LINK_RE = re.compile(r"http://[^/\s]+(/accounts/confirm-email/[a-z0-9]{64}/)")
PASSWORD = "un-mot-de-passe-solide"

# Whether the focused element shows where it is: DSFR draws a 2px outline on :focus-visible,
# on the label's ::before for the (hidden) radios and checkboxes.
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {visible: false, what: 'nothing'};
  let style = getComputedStyle(el);
  if (el.type === 'radio' || el.type === 'checkbox') {
    style = getComputedStyle(document.querySelector(`label[for="${el.id}"]`), '::before');
  }
  const ring = s => s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  // DSFR's enlarged links (header brand, cards) draw the ring on the link's ::before, which
  // covers the whole block.
  const outline = ring(style) || ring(getComputedStyle(el, '::before'));
  const box = el.getBoundingClientRect();
  const what = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' +
               (el.textContent || el.value || '').trim().slice(0, 40);
  return {visible: outline && box.width > 0 && box.height > 0,
          what: what + ` (outline ${style.outlineStyle} ${style.outlineWidth}, ` +
                `${Math.round(box.width)}×${Math.round(box.height)})`};
}"""


def focus_visible(page):
    focus = page.evaluate(FOCUS)
    assert focus["visible"], f"focus not visible on {focus['what']}"


def tab_to(page, selector, *, backwards=False, limit=120):
    """Presses Tab (or Shift+Tab) until ``selector`` has the focus; every element crossed on
    the way must show its focus too."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focus_visible(page)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is never reached with the keyboard")


def type_into(page, selector, text):
    tab_to(page, selector)
    page.keyboard.type(text)


def press(page, selector, key="Enter"):
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press(key)


def test_the_whole_path_with_the_keyboard_alone(page, mailoutbox, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    programme = ProgrammeFactory(campaign=CampaignFactory(is_active=True), title="DAEU A")
    required = RequiredPieceFactory(programme=programme, piece_type__label_fr="CV")

    page.goto("/")
    press(page, "a[href='/accounts/signup/']")

    # Sent half-filled: the summary lists the errors, each link leads to its field.
    tab_to(page, "#id_civility_0")
    page.keyboard.press("Space")
    assert page.locator("#id_civility_0").is_checked()
    type_into(page, "#id_last_name", "Lefèvre")
    press(page, "#content form button[type=submit]")
    summary = page.locator("#form-errors")
    assert summary.is_visible()
    tab_to(page, "#form-errors a[href='#id_first_name']")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "id_first_name"
    focus_visible(page)
    page.keyboard.type("Inès")
    assert page.locator("#id_last_name").input_value() == "Lefèvre"  # nothing lost

    tab_to(page, "#id_birth_date")
    page.keyboard.type("14092000")
    type_into(page, "#id_email", "ines.lefevre@example.org")
    type_into(page, "#id_email2", "ines.lefevre@example.org")
    type_into(page, "#id_password1", PASSWORD)
    type_into(page, "#id_password2", PASSWORD)
    tab_to(page, "#id_password1", backwards=True)  # back to check, then on
    tab_to(page, "#id_password2")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "48 heures" in page.content()

    page.goto(LINK_RE.search(mailoutbox[-1].body).group(1))
    press(page, "#content form button[type=submit]")
    number = User.objects.get(email="ines.lefevre@example.org").candidate_number
    type_into(page, "#id_login", number)
    type_into(page, "#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert number in page.locator("#candidate-number").inner_text()

    # The dossier: personal information typed, the other sections filled beforehand.
    press(page, "#main-navigation a[href='/dossier/']")
    press(page, "#dossier-next")
    tab_to(page, "#id_civility_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_birth_country")
    page.keyboard.type("Maroc")
    type_into(page, "#id_birth_town", "Rabat")
    tab_to(page, "#id_nationality")
    page.keyboard.type("France")
    type_into(page, "#id_phone", "0561000001")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    dossier = User.objects.get(candidate_number=number).dossier
    assert dossier.personal_info.birth_town == "Rabat"
    assert dossier.personal_info.birth_country == "MA"
    Address.objects.create(
        dossier=dossier, line1="5 allées Antonio Machado", country="MA", town="Rabat"
    )
    Baccalaureate.objects.create(dossier=dossier, kind=BacKind.NONE)
    dossier.has_no_external_cursus = dossier.has_no_internships = True
    dossier.has_no_experiences = True
    dossier.save()

    # Applying.
    press(page, "#main-navigation a[href='/offre/']")
    press(page, f"a[href='/offre/{programme.pk}/postuler/']")
    press(page, "#content form button[type=submit]")
    candidature = Candidature.objects.get(dossier=dossier)

    # Uploading: Space on the file input opens the chooser, as for a person.
    press(page, f"a[href$='/pieces/{required.piece_type.pk}/envoyer/']")
    tab_to(page, "input[type=file]")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(
        {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": corpus.pdf()}
    )
    press(page, "#content form button[type=submit]")
    assert "est enregistrée" in page.content()

    # Submitting: the green button, then the confirmation.
    assert "fr-btn--success" in page.locator("#submit-application").get_attribute("class")
    press(page, "#submit-application")
    press(page, "#content form button.fr-btn--success")
    candidature.refresh_from_db()
    assert candidature.status == Status.RECEIVED
