"""What a person sees on every candidate form, in Chromium (issue 13): each radio and checkbox
drawn by the DSFR (its label's ``::before`` has a size, and choosing it changes the drawing),
each field visible (a border, a background or the DSFR's bottom line), nothing wider than the
screen at 320 and 1280 pixels. The test server renders the same templates and static files as
``make run`` and production: there is one template tree and one stylesheet."""

import pytest

from tests.factories import DEFAULT_PASSWORD, UserFactory

from .test_application_journey import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Every radio and checkbox of the main content, with what draws it: DSFR hides the input and
# draws on its label, so a label's ::before without a size is a control nobody sees.
CONTROLS = """() => [...document.querySelectorAll(
    '#content input[type=radio], #content input[type=checkbox]')].map(input => {
  const label = document.querySelector(`label[for="${input.id}"]`);
  const before = label && getComputedStyle(label, '::before');
  return {id: input.id, type: input.type, checked: input.checked, label: !!label,
          width: before ? parseFloat(before.width) || 0 : 0,
          height: before ? parseFloat(before.height) || 0 : 0,
          // DSFR 1.14 draws a radio's circle as its label's background, a checkbox's box
          // on ::before; either changes when it is checked.
          drawing: before ? getComputedStyle(label).backgroundImage + '|' +
                            before.backgroundImage + '|' + before.backgroundColor + '|' +
                            before.boxShadow : ''};
})"""
# Text fields, selects and textareas with nothing to show where they are.
INVISIBLE_FIELDS = """() => {
  const page = getComputedStyle(document.body).backgroundColor;
  const none = c => c === 'transparent' || c === 'rgba(0, 0, 0, 0)';
  return [...document.querySelectorAll(
      '#content input:not([type=radio]):not([type=checkbox]):not([type=hidden])' +
      ':not([type=file]):not([type=submit]), #content select, #content textarea')]
    .filter(field => {
      const s = getComputedStyle(field);
      const border = ['Top', 'Right', 'Bottom', 'Left'].some(side =>
          parseFloat(s['border' + side + 'Width']) > 0 && s['border' + side + 'Style'] !== 'none'
          && !none(s['border' + side + 'Color']));
      const background = !none(s.backgroundColor) && s.backgroundColor !== page;
      return !(border || background || s.boxShadow !== 'none');
    }).map(field => field.id || field.name);
}"""
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(el => {
    const box = el.getBoundingClientRect();
    // Inside a scrolling box (DSFR tables) is fine: the page itself must not scroll sideways.
    let parent = el.parentElement;
    while (parent && parent !== document.body) {
      const overflow = getComputedStyle(parent).overflowX;
      if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') return false;
      parent = parent.parentElement;
    }
    return box.width > 0 && box.right > width + 0.5;
  }).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + el.className);
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
}"""


def check_page(page, path, width):
    """The problems a person would see on ``path`` at ``width`` pixels, as readable strings."""
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(path)
    assert response.status == 200, path
    problems = []
    controls = page.evaluate(CONTROLS)
    for control in controls:
        if not control["label"]:
            problems.append(f"{control['id']}: no label")
        elif control["width"] < 8 or control["height"] < 8:
            problems.append(f"{control['id']}: {control['type']} not drawn")
    # Choosing changes the drawing: click the label (the DSFR hides the input itself).
    for kind in ("radio", "checkbox"):
        unchecked = [c for c in controls if c["type"] == kind and not c["checked"] and c["label"]]
        if unchecked:
            control = unchecked[0]
            page.locator(f'label[for="{control["id"]}"]').click()
            after = {c["id"]: c for c in page.evaluate(CONTROLS)}[control["id"]]
            if not after["checked"] or after["drawing"] == control["drawing"]:
                problems.append(f"{control['id']}: checking it changes nothing visible")
    problems += [f"{name}: field invisible" for name in page.evaluate(INVISIBLE_FIELDS)]
    overflow = page.evaluate(OVERFLOW)
    if overflow["scroll"] > overflow["width"] or overflow["wide"]:
        problems.append(f"wider than {width}px: {overflow}")
    return [f"{path} @{width}px: {problem}" for problem in problems], controls


ANONYMOUS_FORMS = [
    "/accounts/signup/",
    "/accounts/login/",
    "/accounts/password/reset/",
    "/accounts/activation/resend/",
    "/accessibilite/",
    "/",
]


@pytest.mark.parametrize("width", [320, 1280])
def test_every_form_looks_right(page, width, candidate_forms):
    user, paths = candidate_forms
    problems, drawn = [], 0
    for path in ANONYMOUS_FORMS:
        found, controls = check_page(page, path, width)
        problems += found
        drawn += len(controls)
    # A form sent with errors: the messages and the summary must fit too.
    page.goto("/accounts/signup/")
    page.locator("#content form button[type=submit]").click()
    page.locator("#form-errors").wait_for()
    problems += list(check_page_current(page, width))

    sign_in(page, user)
    for path in paths:
        found, controls = check_page(page, path, width)
        problems += found
        drawn += len(controls)
    assert problems == [], "\n".join(problems)
    assert drawn >= 8  # civility twice, remember me, baccalauréat situation, obtained, work time


def check_page_current(page, width):
    overflow = page.evaluate(OVERFLOW)
    if overflow["scroll"] > overflow["width"] or overflow["wide"]:
        yield f"signup with errors @{width}px: {overflow}"
    for name in page.evaluate(INVISIBLE_FIELDS):
        yield f"signup with errors @{width}px: {name}: field invisible"


def test_the_check_sees_an_undrawn_radio(page, live_server):
    """The check itself fails on the defect it is for: radios nested as they were before
    (one fr-radio-group inside another) are reported as not drawn."""
    page.goto("/accounts/signup/")
    page.evaluate(
        """() => document.querySelectorAll('#content .fr-radio-group').forEach(group => {
            const input = group.querySelector('input');
            const inner = document.createElement('div');
            inner.className = 'fr-radio-group';
            input.replaceWith(inner);
            inner.appendChild(input);
        })"""
    )
    controls = page.evaluate(CONTROLS)
    assert controls and all(c["width"] == 0 for c in controls if c["type"] == "radio")


def test_the_check_sees_an_invisible_field(page, live_server):
    page.goto("/accounts/login/")
    assert page.evaluate(INVISIBLE_FIELDS) == []
    page.evaluate("() => document.querySelector('#id_login').classList.remove('fr-input')")
    assert page.evaluate(INVISIBLE_FIELDS) == ["id_login"]


def test_phones_can_sign_out_and_switch_language(page):
    """At 375 px the DSFR hid the header's tools (its menu button needs a script we do not
    ship): no sign-out, no messages, no language switch on a phone."""
    user = UserFactory()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("#content form button[type=submit]").click()
    assert page.get_by_role("button", name="Se déconnecter").is_visible()
    assert page.get_by_role("link", name="Messages").is_visible()
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("button", name="Sign out").is_visible()


# Vertical room between an element and the heading after it, in CSS pixels.
GAP = """([above, below]) => {
  const a = document.querySelector(above).getBoundingClientRect();
  const b = document.querySelector(below).getBoundingClientRect();
  return b.top - a.bottom;
}"""


@pytest.mark.parametrize("width", [375, 1280])
def test_the_application_page_headings_have_room(page, width):
    """A cancelled application (no deadline line between them): the « Pièces justificatives »
    heading touched the status badges, and « Historique » the PDF button, because DSFR's badge
    and button groups pull what follows up by their own bottom margin."""
    from tests.factories import CandidatureFactory

    candidature = CandidatureFactory(cancelled=True)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, candidature.dossier.user)
    page.goto(f"/candidatures/{candidature.pk}/")

    assert page.evaluate(GAP, ["#content .fr-badges-group", "#pieces h2"]) >= 16
    assert page.evaluate(GAP, ["#content .fr-btns-group:has(+ #history)", "#history"]) >= 16
