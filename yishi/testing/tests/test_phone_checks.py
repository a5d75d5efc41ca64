"""The phone checks themselves: each finds what it looks for, and passes what is right."""

from __future__ import annotations

import pytest

from yishi.testing.phone import half_width_punctuation, internal_codes


@pytest.mark.parametrize("text", [
    "（规则：sign_in_code）", "依据 000 §(二)(4)3", "004 第一篇 四.4", "王芳 meeting.sign_in",
    "状态：acknowledged",
])
def test_an_internal_code_is_found(text: str) -> None:
    assert internal_codes(text, chinese=True)


@pytest.mark.parametrize("text", [
    "周建华 于 10:25 结束会议", "依据《利川市城乡社区协商实施方案》（二）4.(3)",
    "扫码签到：http://127.0.0.1:8000/consult/meetings/3/sign-in/", "English",
    "赞成 5 票，反对 0 票，弃权 1 票。", "编号 2026-0012",
])
def test_words_people_read_pass(text: str) -> None:
    assert internal_codes(text, chinese=True) == []


def test_an_english_page_may_have_english_words_but_no_codes() -> None:
    assert internal_codes("Raise an opinion", chinese=False) == []
    assert internal_codes("state: acknowledged_by_staff", chinese=False)


@pytest.mark.parametrize(("text", "bad"), [
    ("提议人: 张三", True), ("赞成 5 票, 反对 0 票", True), ("赞成5票,反对0票", True),
    ("提议人：张三", False), ("会议于 10:25 开始", False), ("村(居)务", True),
    ("村（居）务", False), ("结束。", False), ("结束.", True),
])
def test_half_width_punctuation_in_chinese_is_found(text: str, bad: bool) -> None:
    assert bool(half_width_punctuation(text)) is bad
