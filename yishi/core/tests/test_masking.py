"""Masking as public notices show personal data: 138****1234, 110101********1234, 张*."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from yishi.core.masking import mask_id_number, mask_name, mask_phone


def test_a_mobile_number_shows_the_first_three_and_last_four_digits():
    assert mask_phone("13812341234") == "138****1234"


def test_an_id_number_shows_the_region_and_the_last_four():
    assert mask_id_number("110101199001011234") == "110101********1234"
    assert mask_id_number("11010119900101123X") == "110101********123X"


def test_an_old_fifteen_digit_id_number_keeps_the_same_shape():
    assert mask_id_number("110101900101123") == "110101*****1123"


def test_names_keep_the_surname_and_for_three_or_more_characters_the_last():
    assert mask_name("张三") == "张*"
    assert mask_name("张三丰") == "张*丰"
    assert mask_name("欧阳娜娜") == "欧**娜"
    assert mask_name(" 王秀英 ") == "王*英"


def test_empty_values_stay_empty():
    assert mask_phone("") == ""
    assert mask_id_number("") == ""
    assert mask_name("") == ""
    assert mask_phone(None) == ""  # type: ignore[arg-type]
    assert mask_name(None) == ""  # type: ignore[arg-type]


def test_short_numbers_are_never_shown_in_full():
    # A seven- or eight-digit landline, a ten-character document number.
    for phone in ("6234567", "62345678", "0101234567"):
        assert mask_phone(phone) != phone
        assert mask_phone(phone).count("*") >= 4
    for doc in ("E12345678", "H123456789", "1101011990"):
        assert mask_id_number(doc) != doc
        assert mask_id_number(doc).count("*") >= 4


digits = st.text(alphabet="0123456789X", max_size=24)


def _revealed(original: str, masked: str) -> int:
    return sum(1 for a, b in zip(original, masked, strict=True) if b != "*" and a == b)


@given(digits)
def test_a_masked_phone_has_the_same_length_and_hides_at_least_four_digits(phone):
    masked = mask_phone(phone)
    assert len(masked) == len(phone)
    assert _revealed(phone, masked) <= max(0, len(phone) - 4)
    assert all(b == "*" or a == b for a, b in zip(phone, masked, strict=True))


@given(digits)
def test_a_masked_id_number_has_the_same_length_and_hides_at_least_four_characters(s):
    masked = mask_id_number(s)
    assert len(masked) == len(s)
    assert _revealed(s, masked) <= max(0, len(s) - 4)
    assert all(b == "*" or a == b for a, b in zip(s, masked, strict=True))


@given(st.text(alphabet=st.characters(categories=["Lo"]), min_size=2, max_size=6))
def test_a_masked_name_keeps_its_length_and_hides_the_middle(name):
    masked = mask_name(name)
    assert len(masked) == len(name)
    assert masked[0] == name[0]
    assert masked[1] == "*"
