"""Public pages never show a mobile or an ID number left in a notice's text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from yishi.disclosure.rules import mask_personal_numbers


def test_mobile_and_id_numbers_in_a_notice_body_are_masked():
    text = "联系人张先生，电话13812345678，身份证号11010119900101123X。"
    assert mask_personal_numbers(text) == (
        "联系人张先生，电话138****5678，身份证号110101********123X。")


def test_other_numbers_are_left_alone():
    text = "金额12000元，账号6222021234567890123，编号2025-001，座机010-12345678"
    assert mask_personal_numbers(text) == text


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.text(alphabet="，。的是 ", max_size=5))
def test_no_mobile_number_survives(phone, around):
    assert phone not in mask_personal_numbers(around + phone + around)


@given(st.from_regex(r"[1-9][0-9]{16}[0-9X]", fullmatch=True))
def test_no_id_number_survives(id_number):
    masked = mask_personal_numbers(f"身份证{id_number}号")
    assert id_number not in masked and id_number[:6] in masked and id_number[-4:] in masked
