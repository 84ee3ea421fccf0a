"""Every message of the app has its French translation (French is the default language)."""

from pathlib import Path

from babel.messages.pofile import read_po

import pieces

CATALOGUE = Path(pieces.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_every_french_msgstr_is_filled_and_keeps_its_placeholders():
    with CATALOGUE.open("rb") as po_file:
        catalog = read_po(po_file, locale="fr")
    messages = [message for message in catalog if message.id]

    assert len(messages) > 40
    for message in messages:
        assert message.string, message.id
        assert "fuzzy" not in message.flags, message.id
        for placeholder in ("%(size_mb)s", "%(limit_mb)s", "%(what)s", "%(kind)s", "%(count)s"):
            assert (placeholder in message.id) == (placeholder in message.string), message.id
