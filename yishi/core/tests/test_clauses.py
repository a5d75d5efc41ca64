"""Clauses in words: the document by name and the place in it, never a bare reference."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from yishi.core.clauses import in_words, place_in_words


@pytest.mark.parametrize(("clause", "words"), [
    ("000 §(二)(4)3", "依据《利川市城乡社区协商实施方案》（二）4.(3)"),
    ("000 §(二)(4)2", "依据《利川市城乡社区协商实施方案》（二）4.(2)"),
    ("000 §(二)(1)", "依据《利川市城乡社区协商实施方案》（二）1"),
    ("000 §(二)", "依据《利川市城乡社区协商实施方案》（二）"),
    ("001 §二(二)3", "依据《湖州市关于深入推进城乡社区协商的实施意见》二（二）3"),
    ("001 §二(一)2(3)", "依据《湖州市关于深入推进城乡社区协商的实施意见》二（一）2.(3)"),
    ("004 第一篇 四.2", "依据《乡镇规范化建设文件汇编》第一篇 四.2"),
    ("002 一事一馈", "依据《成都市基层治理实践（武侯区“民情专递”）》一事一馈"),
    ("002", "依据《成都市基层治理实践（武侯区“民情专递”）》"),
    ("村民委员会组织法 第二十六条", "依据《中华人民共和国村民委员会组织法》第二十六条"),
])
def test_a_clause_reads_as_the_document_and_its_place(clause: str, words: str) -> None:
    with translation.override("zh-hans"):
        assert in_words(clause) == words


def test_in_english_the_document_is_named_in_english() -> None:
    with translation.override("en"):
        assert in_words("000 §(二)(4)3") == (
            "under “Lichuan urban–rural community consultation implementation plan” （二）4.(3)"
        )


def test_no_clause_is_no_words_and_an_unknown_one_is_kept_whole() -> None:
    assert in_words("") == in_words("  ") == ""
    with translation.override("zh-hans"):
        assert in_words("某规定 第三条") == "依据某规定 第三条"
    assert place_in_words("第一篇 四.2") == "第一篇 四.2"


@given(st.text(max_size=40))
def test_any_reference_gives_words_that_keep_it(clause: str) -> None:
    words = in_words(clause)
    assert (words == "") == (clause.strip() == "")


# --- Every refusal about the procedure names its clause --------------------------------------

# Refusals about the request itself or the asker, not about a step of the procedure: a
# malformed value, a file, a place outside one's community, a record already there.
NOT_ABOUT_THE_PROCEDURE = frozenset({
    "input", "attachment", "photo", "date", "deadline", "register_file", "sign_in_code",
    "body", "duplicate", "place", "register_db", "staff", "permission", "owner", "rate",
    "resident", "not_signed", "proposer",
    # Keeping the register of roles straight (a term's dates, one role held once).
    "end_date", "reopen", "ended", "role_kind", "role_held",
})


def _refusals_without_a_clause() -> list[str]:
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = []
    for path in sorted(root.rglob("*.py")):
        if {"tests", "migrations"} & set(path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name not in {"RuleViolation", "PermissionDenied"}:
                continue
            keywords = {k.arg: k.value for k in node.keywords}
            rule = keywords.get("rule")
            code = rule.value if isinstance(rule, ast.Constant) else None
            if "clause" not in keywords and code not in NOT_ABOUT_THE_PROCEDURE and (
                    code is not None):
                found.append(f"{path.relative_to(root)}:{node.lineno} {code}")
    return found


def test_every_refusal_about_a_step_of_the_procedure_names_its_clause() -> None:
    assert _refusals_without_a_clause() == []


def test_a_step_out_of_order_cites_the_clause_the_table_gives_it() -> None:
    from yishi.consult import rules
    from yishi.core.exceptions import RuleViolation

    with pytest.raises(RuleViolation) as refused:
        rules.topic_step(rules.TopicState.ACCEPTED, "close", rules.Facts())
    assert (refused.value.rule, refused.value.clause) == ("transition", rules.CLAUSE_PUBLICATION)


def _our_catalogue() -> dict[object, str]:
    """The project's own Chinese catalogue (Django's own is not ours to word)."""
    path = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as f:
        return dict(gettext.GNUTranslations(f)._catalog)  # type: ignore[attr-defined]


# A clause reference as the code writes it ("000 §(二)(1)", "004 第一篇 四.4", "002 一事一馈"):
# one of the five seeds' numbers followed by a place in it, or a § sign anywhere.
CLAUSE_REFERENCE = re.compile(r"§|\b00[0-4] [§第一二三四五六七八九十]")


def test_no_translated_text_carries_a_clause_reference() -> None:
    """Every page, message and file text comes from the catalogue, in English (its keys)
    and Chinese: none of it may cite a clause by its reference; a clause is passed in,
    in words, through ``in_words``."""
    texts = [text for key, text in _our_catalogue().items() for text in (key, text)
             if isinstance(text, str)]
    coded = sorted({t for t in texts if CLAUSE_REFERENCE.search(t)})
    assert coded == [], coded


def test_the_chinese_catalogue_uses_chinese_punctuation() -> None:
    """「提议人：」 and 「村（居）务」, never 「提议人:」 or 「村(居)务」 (the same check the
    phone pages get in the browser)."""
    from yishi.testing.phone import half_width_punctuation

    ours = [text for key, text in _our_catalogue().items() if isinstance(text, str)]
    found = sorted({s for t in ours for s in half_width_punctuation(t)})
    assert found == [], found
