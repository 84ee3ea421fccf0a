from pathlib import Path

from babel.messages.pofile import read_po

import candidatures

CATALOGUE = Path(candidatures.__file__).parent / "locale/fr/LC_MESSAGES/django.po"


def test_every_string_has_its_french_translation():
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po, locale="fr")
    untranslated = [
        message.id
        for message in catalogue
        if message.id and (not message.string or not all(message.string) or message.fuzzy)
    ]
    assert untranslated == []
