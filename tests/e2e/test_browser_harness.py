"""The browser harness itself: what the journeys rely on must not fail by chance."""

import pytest

pytestmark = pytest.mark.e2e


def test_a_file_chooser_opened_with_the_keyboard_is_always_seen(page):
    """The keyboard journey opens the chooser with Space right after expect_file_chooser();
    without the page fixture's standing listener, about one try in eight was missed."""
    page.set_content("<label for='f'>CV</label><input type='file' id='f'>")
    for attempt in range(40):
        page.focus("#f")
        with page.expect_file_chooser(timeout=3_000) as chooser:
            page.keyboard.press("Space")
        assert chooser.value.element.get_attribute("id") == "f", attempt
