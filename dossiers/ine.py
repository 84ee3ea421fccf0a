"""The INE (identifiant national étudiant), in the formats French schools and universities issue.

Eleven characters, the last one or two being a check key:

- BEA (rectorats' "base élèves académique"): 10 digits + 1 letter. The key is the letter at
  index (number mod 23) of the alphabet without I, O and Q.
- Base 36 (universities, Apogée "NNE"): 10 characters in [0-9A-Z] + 1 digit. The key is the
  last digit of 6 x (sum of the first nine characters read in base 36) + the tenth one.
- RNIE (national register, since 2018): 9 digits + 2 letters. Its key algorithm is not public
  (universities check it against the ministry's INES web service), so only its form is checked.
- Apprenticeship (SIFA): 4 digits + "A" + 5 digits + 1 letter; form only, for the same reason.

Numbers made of one repeated digit are placeholders typed to get past a form, never real INEs.
"""

import re
from enum import StrEnum

ALPHABET_23 = "ABCDEFGHJKLMNPRSTUVWXYZ"

_BEA = re.compile(r"^[0-9]{10}[A-Z]$")
_BASE36 = re.compile(r"^[0-9A-Z]{10}[0-9]$")
_RNIE = re.compile(r"^[0-9]{9}[A-Z]{2}$")
_APPRENTICESHIP = re.compile(r"^[0-9]{4}A[0-9]{5}[A-Z]$")
_SEPARATORS = re.compile(r"[\s.\-]+")


class IneFormat(StrEnum):
    BEA = "bea"
    BASE36 = "base36"
    RNIE = "rnie"
    APPRENTICESHIP = "apprenticeship"


class IneError(ValueError):
    """Why a value is not an INE: ``code`` is "format" or "key"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def normalize_ine(value: str) -> str:
    """Upper case without the spaces, dots or dashes people copy from a transcript."""
    return _SEPARATORS.sub("", value or "").upper()


def bea_key(number: str) -> str:
    return ALPHABET_23[int(number) % 23]


def base36_key(number: str) -> str:
    total = 6 * sum(int(char, 36) for char in number[:9]) + int(number[9], 36)
    return str(total % 10)


def _is_placeholder(body: str) -> bool:
    return len(set(body)) == 1


def ine_format(value: str) -> IneFormat:
    """Returns the format of a normalized INE, or raises IneError("format" or "key")."""
    if len(value) != 11:
        raise IneError("format")
    if _BEA.match(value):
        if _is_placeholder(value[:10]):
            raise IneError("format")
        if value[10] != bea_key(value[:10]):
            # Ten digits and a digit-free key could also be base 36 only if the key were a
            # digit, which it is not: a wrong letter here is a wrong BEA key.
            raise IneError("key")
        return IneFormat.BEA
    if _BASE36.match(value):
        body = value[:10]
        if _is_placeholder(body) or body.isalpha():
            raise IneError("format")
        if value[10] != base36_key(body):
            raise IneError("key")
        return IneFormat.BASE36
    if _RNIE.match(value):
        if _is_placeholder(value[:9]):
            raise IneError("format")
        return IneFormat.RNIE
    if _APPRENTICESHIP.match(value):
        return IneFormat.APPRENTICESHIP
    raise IneError("format")
