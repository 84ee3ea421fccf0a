"""INE formats and check keys. Valid samples are built with the published algorithms; each
invalid one changes a single thing."""

import pytest

from dossiers.ine import ALPHABET_23, IneError, IneFormat, base36_key, bea_key, ine_format


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0312345678X", IneFormat.BEA),  # 312345678 mod 23 = 20 -> X
        ("1A2B3C4D5E0", IneFormat.BASE36),
        ("123456789AB", IneFormat.RNIE),
        ("1234A12345F", IneFormat.APPRENTICESHIP),
    ],
)
def test_valid_samples(value, expected):
    assert ine_format(value) == expected


def test_bea_key_is_the_remainder_mod_23_in_the_alphabet_without_i_o_q():
    assert 312345678 % 23 == 20
    assert bea_key("0312345678") == ALPHABET_23[20] == "X"
    assert "I" not in ALPHABET_23 and "O" not in ALPHABET_23 and "Q" not in ALPHABET_23


def test_base36_key_is_the_last_digit_of_the_weighted_sum():
    # 6 x (1+10+2+11+3+12+4+13+5) + 14 = 6 x 61 + 14 = 380
    assert base36_key("1A2B3C4D5E") == "0"
    assert base36_key("0000000001") == "1"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0312345678Y", "key"),  # BEA, wrong letter
        ("1A2B3C4D5E1", "key"),  # base 36, wrong digit
        ("1111111111" + "A", "format"),  # placeholder digits
        ("ABCDEFGHIJ1", "format"),  # only letters
        ("111111111AB", "format"),  # RNIE placeholder
        ("0312345678", "format"),  # too short
        ("0312345678XX", "format"),  # too long
        ("03123#5678X", "format"),
        ("", "format"),
    ],
)
def test_invalid_samples(value, code):
    with pytest.raises(IneError) as error:
        ine_format(value)
    assert error.value.code == code


def test_every_bea_key_but_the_right_one_is_refused():
    body = "0312345678"
    for letter in "ABCDEFGHJKLMNPRSTUVWYZ":
        with pytest.raises(IneError):
            ine_format(body + letter)
