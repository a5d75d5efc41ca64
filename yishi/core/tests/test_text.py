"""The free-text check every action uses (trimmed, required, limited, no NUL), and text
written into a spreadsheet (never a formula)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yishi.core.exceptions import RuleViolation
from yishi.core.text import (
    FORMULA_TRIGGERS,
    INVISIBLE,
    clean_text,
    clean_title,
    safe_cell,
    strip_invisible,
)


@given(st.text(max_size=60))
def test_text_is_kept_trimmed_or_refused_as_input(value: str) -> None:
    try:
        cleaned = clean_text(value, "标题", limit=40)
    except RuleViolation as refused:
        assert refused.rule == "input"
        assert "\x00" in value or not value.strip() or len(value.strip()) > 40
    else:
        assert cleaned == value.strip() and cleaned and "\x00" not in cleaned


def test_optional_text_may_be_empty() -> None:
    assert clean_text(None, "备注", required=False) == ""
    with pytest.raises(RuleViolation):
        clean_text("  ", "备注")


# --- Spreadsheet cells ---------------------------------------------------------------------

@pytest.mark.parametrize("value", ["=1+1", '=HYPERLINK("http://x","y")', "+86 138", "-1", "@SUM(A1)",
                                   "\t=1", "\r=1", "=", "-"])
def test_text_a_spreadsheet_would_take_for_a_formula_gets_an_apostrophe(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["加装电梯", "", " =1+1", "'=1+1", "1=1", "＝1+1", "电话-1",
                                   0, -5, 3.5, None, True])
def test_other_values_pass_unchanged(value: object) -> None:
    assert safe_cell(value) == value and type(safe_cell(value)) is type(value)


def test_dates_pass_unchanged() -> None:
    from datetime import date, datetime

    assert safe_cell(date(2026, 12, 2)) == date(2026, 12, 2)
    assert safe_cell(datetime(2026, 12, 2, 9)) == datetime(2026, 12, 2, 9)


# openpyxl refuses the other C0 control characters in any cell, formula or not.
_CELL_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                            blacklist_characters=[chr(c) for c in range(32)
                                                                  if c not in (9, 10, 13)]),
                     max_size=30)


@given(st.sampled_from(FORMULA_TRIGGERS + ("", "", "")), _CELL_TEXT)
def test_a_cell_written_by_openpyxl_and_read_back_is_text_never_a_formula(
        trigger: str, rest: str) -> None:
    import io

    from openpyxl import Workbook, load_workbook

    value = trigger + rest
    for write_only in (True, False):
        wb = Workbook(write_only=write_only)
        ws = wb.create_sheet("s") if write_only else wb.active
        ws.append([safe_cell(value), 1])
        buffer = io.BytesIO()
        wb.save(buffer)
        cell = load_workbook(io.BytesIO(buffer.getvalue()))["s" if write_only else ws.title]["A1"]
        if value:
            assert cell.data_type == "s"
            assert cell.value == (("'" + value) if value.startswith(FORMULA_TRIGGERS) else value)


# --- Titles --------------------------------------------------------------------------------

ALL_INVISIBLE = ("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
                 "\u200b\u200c\u200d\u2060\ufeff")


def test_every_listed_character_is_invisible_and_nothing_else() -> None:
    assert set(ALL_INVISIBLE) == INVISIBLE


@pytest.mark.parametrize("char", list(ALL_INVISIBLE))
def test_each_bidi_control_and_zero_width_character_is_removed(char: str) -> None:
    assert strip_invisible(f"{char}关于{char}加装电梯{char}的公示{char}") == "关于加装电梯的公示"


def test_a_reversed_file_name_reads_as_typed() -> None:
    assert strip_invisible("通知\u202etxt.exe") == "通知txt.exe"
    assert strip_invisible("\u2067مرحبا\u2069 and 中文") == "مرحبا and 中文"


def test_visible_text_is_kept_as_it_is() -> None:
    text = "路灯不亮 ２０２６ 🙂 é ｘ\u3000全角空格 \u00a0"
    assert strip_invisible(text) == text
    assert strip_invisible(None) == ""


@given(st.text(max_size=40), st.lists(st.sampled_from(ALL_INVISIBLE), max_size=6), st.randoms())
def test_stripping_removes_exactly_the_invisible_characters(text: str, extra: list[str],
                                                            rnd) -> None:
    chars = list(text)
    for c in extra:
        chars.insert(rnd.randint(0, len(chars)), c)
    mixed = "".join(chars)
    cleaned = strip_invisible(mixed)
    assert not INVISIBLE & set(cleaned)
    assert cleaned == "".join(c for c in text if c not in INVISIBLE)
    assert strip_invisible(cleaned) == cleaned


def test_a_title_of_invisible_characters_only_is_missing() -> None:
    with pytest.raises(RuleViolation) as refused:
        clean_title("\u200b\u202e \ufeff", "标题")
    assert refused.value.rule == "input"
    assert clean_title(" \u202e更换路灯\u200b ", "标题", limit=4) == "更换路灯"
    assert clean_title(None, "标题", required=False) == ""
