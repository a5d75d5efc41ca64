"""The free-text check every action uses: trimmed, required, limited, no NUL."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yishi.core.exceptions import RuleViolation
from yishi.core.text import clean_text


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
