"""Public pages never show a mobile or an ID number left in a notice's text, however spelled."""

from __future__ import annotations

import pytest
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


# --- Every spelling of a mobile or an ID number -------------------------------------------

_FULL = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")


@pytest.mark.parametrize(("text", "masked"), [
    ("电话+86 138 1234 5678。", "电话+86 138****5678。"),
    ("电话+86-138-1234-5678", "电话+86-138****5678"),
    ("电话+8613812345678", "电话+86138****5678"),
    ("电话0086 13812345678", "电话0086 138****5678"),
    ("电话008613812345678", "电话0086138****5678"),
    ("电话86 13812345678", "电话86 138****5678"),
    ("电话86-138-1234-5678", "电话86-138****5678"),
    ("电话（+86）138 1234 5678", "电话（+86）138****5678"),
    ("电话138 1234 5678", "电话138****5678"),
    ("电话138-1234-5678", "电话138****5678"),
    ("电话138 - 1234 - 5678", "电话138****5678"),
    ("电话138 12345678", "电话138****5678"),
    ("电话１３８１２３４１２３４", "电话138****1234"),
    ("电话＋８６　１３８－１２３４－１２３４", "电话＋８６　138****1234"),
    ("电话138—1234—5678", "电话138****5678"),
    ("身份证110101199001011234", "身份证110101********1234"),
    ("身份证11010119900101123x", "身份证110101********123x"),
    ("身份证１１０１０１１９９００１０１１２３Ｘ", "身份证110101********123X"),
    ("身份证110101 19900101 1234", "身份证110101********1234"),
    ("身份证110101 1990 0101 123X", "身份证110101********123X"),
    ("身份证110101-19900101-1234", "身份证110101********1234"),
    ("老身份证110101900101123", "老身份证110101*****1123"),
    ("老身份证110101 900101 123", "老身份证110101*****1123"),
    ("老身份证１１０１０１９００１０１１２３", "老身份证110101*****1123"),
])
def test_every_spelling_is_masked_and_the_rest_kept(text, masked):
    assert mask_personal_numbers(text) == masked


@pytest.mark.parametrize("text", [
    "会议定于2026-12-02召开，2026年12月2日公示。",
    "２０２６年１２月２日，金额１２０００元。",
    "金额12000元，预算1,380,000元，面积138.5平方米",
    "验证码123456，邮编100101，房号1-2-301",
    "座机010-12345678，0755-8123 4567",
    "订单号123456789012345（15位，不是日期）",
    "账号6222 0213 8123 4567 890",
    "批次13812345678901，型号A13812345678",
])
def test_ordinary_numbers_are_left_alone(text):
    assert mask_personal_numbers(text) == text


def test_full_width_text_around_a_number_stays_full_width():
    text = "２０２６年，电话１３８１２３４１２３４，ＡＢＣ。"
    assert mask_personal_numbers(text) == "２０２６年，电话138****1234，ＡＢＣ。"


# Around a number: text with no digit or Latin letter, so nothing glues to it.
_AROUND = st.text(alphabet="，。的是电话号：（） 请联系", max_size=6)
_PREFIX = st.sampled_from(["", "+86", "+86 ", "+86-", "0086", "0086 ", "0086-", "86 ", "86-",
                           "＋８６", "＋８６　"])
_SEP = st.sampled_from(["", " ", "-", " - ", "  ", "－", "　", "–"])


def _spell(digits: str, seps: list[str], cuts: tuple[int, ...], widths: list[bool]) -> str:
    chars = [c.translate(_FULL) if wide else c for c, wide in zip(digits, widths, strict=True)]
    for cut, sep in sorted(zip(cuts, seps, strict=True), reverse=True):
        chars.insert(cut, sep)
    return "".join(chars)


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), _PREFIX, st.lists(_SEP, min_size=2, max_size=2),
       st.lists(st.booleans(), min_size=11, max_size=11), _AROUND, _AROUND)
def test_no_spelling_of_a_mobile_number_survives(phone, prefix, seps, widths, before, after):
    spelled = _spell(phone, seps, (3, 7), widths)
    assert mask_personal_numbers(before + prefix + spelled + after) == (
        before + prefix + phone[:3] + "****" + phone[-4:] + after)


@given(st.from_regex(r"[1-9][0-9]{16}[0-9Xx]", fullmatch=True),
       st.sampled_from([(), (6,), (6, 14), (6, 10, 14)]), st.data(), _AROUND, _AROUND)
def test_no_spelling_of_an_id_number_survives(id_number, cuts, data, before, after):
    seps = data.draw(st.lists(_SEP, min_size=len(cuts), max_size=len(cuts)))
    widths = data.draw(st.lists(st.booleans(), min_size=18, max_size=18))
    spelled = _spell(id_number, seps, cuts, widths)
    assert mask_personal_numbers(before + spelled + after) == (
        before + id_number[:6] + "*" * 8 + id_number[-4:] + after)


@given(st.from_regex(r"[1-9][0-9]{5}[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}",
                     fullmatch=True),
       st.sampled_from([(), (6, 12)]), st.data(), _AROUND)
def test_no_old_fifteen_digit_id_number_survives(id_number, cuts, data, around):
    seps = data.draw(st.lists(_SEP, min_size=len(cuts), max_size=len(cuts)))
    widths = data.draw(st.lists(st.booleans(), min_size=15, max_size=15))
    spelled = _spell(id_number, seps, cuts, widths)
    assert mask_personal_numbers(around + spelled + around) == (
        around + id_number[:6] + "*" * 5 + id_number[-4:] + around)


@given(st.dates(), st.integers(min_value=0, max_value=99_999_999),
       st.from_regex(r"[0-9]{6}", fullmatch=True), _AROUND)
def test_dates_amounts_and_short_codes_are_never_masked(day, amount, code, around):
    text = f"{around}{day.isoformat()}{around}{amount}元{around}验证码{code}{around}"
    assert mask_personal_numbers(text) == text
    assert mask_personal_numbers(text.translate(_FULL)) == text.translate(_FULL)


@given(st.text(alphabet="0123456789１３８ +-－Xx电话，", max_size=40))
def test_masking_twice_changes_nothing_more(text):
    once = mask_personal_numbers(text)
    assert mask_personal_numbers(once) == once
