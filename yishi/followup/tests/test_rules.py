"""Pure rules: the task table, overdue, deadlines (property tests)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yishi.core.exceptions import RuleViolation
from yishi.followup import rules
from yishi.followup.rules import TASK_TRANSITIONS, TaskState

states = st.sampled_from(list(rules.TASK_STATES))
actions = st.sampled_from(list(rules.TASK_ACTIONS) + ["reopen", "delete"])
days = st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31))


@given(states, actions)
def test_a_task_moves_only_as_its_table_says(state, action):
    if (state, action) in TASK_TRANSITIONS:
        assert rules.task_step(state, action).target == TASK_TRANSITIONS[(state, action)].target
    else:
        with pytest.raises(RuleViolation):
            rules.task_step(state, action)


@given(states)
def test_done_is_final(state):
    assert rules.task_actions(TaskState.DONE) == []
    if state != TaskState.DONE:
        assert "complete" in rules.task_actions(state)


@given(states, days, days)
def test_overdue_is_derived_from_the_deadline(state, deadline, today):
    overdue = rules.task_overdue(state, deadline, today)
    assert overdue == (state != TaskState.DONE and today > deadline)
    # The deadline day itself is in time.
    assert not rules.task_overdue(state, deadline, deadline)


@given(days, days)
def test_an_answer_is_overdue_only_while_awaiting_and_after_the_due_day(due, today):
    assert rules.answer_overdue("awaiting", due, today) == (today > due)
    assert not rules.answer_overdue("answered", due, today)


@given(days, st.integers(min_value=-3000, max_value=3000))
def test_past_deadlines_are_refused_future_ones_accepted_within_five_years(today, offset):
    deadline = today + timedelta(days=offset)
    error = rules.deadline_error(deadline, today)
    if offset < 0 or deadline.year > today.year + 5:
        assert error
    else:
        assert error is None


@given(st.one_of(st.integers(min_value=-10, max_value=1000), st.booleans()))
def test_working_days_are_between_one_and_the_maximum(n):
    ok = not isinstance(n, bool) and 1 <= n <= rules.MAX_WORKING_DAYS
    assert (rules.working_days_error(n) is None) == ok


def test_an_entrusted_answer_moves_through_its_table_once() -> None:
    assert rules.answer_step(rules.AnswerState.AWAITING, "answer").target == "answered"
    with pytest.raises(RuleViolation):
        rules.answer_step(rules.AnswerState.ANSWERED, "answer")
    assert set(rules.ANSWER_LABELS) >= set(rules.ANSWER_STATES) | set(rules.ANSWER_ACTIONS)
