"""One function applies every workflow table; a pair not in the table is refused."""

from __future__ import annotations

import pytest

from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.workflow import Step, allowed_actions, next_state

TABLE = {
    ("draft", "open"): Step("open", "clause 1"),
    ("open", "close"): Step("closed"),
    ("open", "withdraw"): Step("withdrawn"),
}
LABELS = {"draft": "草稿", "open": "征集中", "close": "关闭"}


def test_an_allowed_pair_gives_its_step_and_clause():
    step = next_state(TABLE, "draft", "open", labels=LABELS)
    assert step == Step("open", "clause 1")


def test_a_pair_not_in_the_table_is_refused_naming_both_the_action_and_the_state():
    with pytest.raises(RuleViolation) as excinfo:
        next_state(TABLE, "draft", "close", labels=LABELS)
    assert excinfo.value.rule == "transition"
    assert "关闭" in excinfo.value.message and "草稿" in excinfo.value.message


def test_an_unknown_state_or_action_is_refused():
    with pytest.raises(RuleViolation):
        next_state(TABLE, "nowhere", "open", labels=LABELS)
    with pytest.raises(RuleViolation):
        next_state(TABLE, "open", "fly", labels={})


def test_allowed_actions_lists_the_table_rows_for_a_state():
    assert allowed_actions(TABLE, "open") == ["close", "withdraw"]
    assert allowed_actions(TABLE, "closed") == []


def test_a_refusal_shows_its_clause_when_it_has_one():
    e = PermissionDenied("不行", rule="x", clause="000 §(二)(1)")
    assert str(e) == "不行 (000 §(二)(1))"
    assert isinstance(e, RuleViolation)
    assert str(RuleViolation("不行")) == "不行"
