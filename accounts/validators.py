"""What a person's name may contain: letters of any script (with their accents), spaces,
hyphens, apostrophes, full stops and commas (a list of first names). Angle brackets, digits,
control characters, bidirectional overrides and invisible characters are in no one's name; a
name that contains them was pasted from elsewhere or is an attempt at something else."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NAME_PUNCTUATION = set(" -'’ʼ.,")


def _shown(char: str) -> str:
    if unicodedata.category(char)[0] in "LNPS" and char.isprintable():
        return f"« {char} »"
    return f"U+{ord(char):04X}"


def validate_person_name(value: str) -> None:
    refused = [
        char
        for char in unicodedata.normalize("NFC", value)
        if not (unicodedata.category(char)[0] in "LM" or char in NAME_PUNCTUATION)
    ]
    if refused:
        raise ValidationError(
            _(
                "A name may contain only letters, spaces, hyphens, apostrophes and full stops. "
                "Remove: %(characters)s."
            ),
            code="name_characters",
            params={"characters": ", ".join(dict.fromkeys(_shown(char) for char in refused))},
        )
