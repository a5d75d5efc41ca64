"""The work board's "what is due next": one declared table, one row per step, read by one
function (pure: no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from yishi.consult.rules import (
    DUE_NEXT,
    NOTHING_DUE,
    TERMINAL_TOPIC_STATES,
    TOPIC_STATES,
    BoardFacts,
    Due,
    TopicState,
    due_next,
)

T = TopicState
NOW = datetime(2025, 6, 10, 9, 0)
NOTHING = BoardFacts(state=T.CANDIDATE, major=False, has_plan=False, plan_approved=False,
                     send_notices_by=None, meeting_number=None, meeting_at=None,
                     meeting_scheduled=False, unsigned_minutes=0, published_until=None, now=NOW)
PLANNED = replace(NOTHING, state=T.PLANNED, has_plan=True,
                  send_notices_by=NOW + timedelta(days=2))


@pytest.fixture(autouse=True)
def _english() -> object:
    with translation.override("en"):
        yield


# Each row of the table, in order, with facts it applies to and what the board then says.
ROWS = [
    (NOTHING, "Screen against the catalogue", False),
    (replace(NOTHING, state=T.ACCEPTED), "Draft the plan", False),
    (replace(PLANNED, major=True), "Party organisation to approve the plan", False),
    (PLANNED, "Send the notices by 2025-06-12 09:00", False),
    (replace(NOTHING, state=T.NOTIFIED, meeting_number=2, meeting_at=NOW + timedelta(hours=3),
             meeting_scheduled=True), "Meeting no. 2 on 2025-06-10 12:00", False),
    (replace(NOTHING, state=T.NOTIFIED), "Reschedule the cancelled meeting", True),
    (replace(NOTHING, state=T.CONSULTING), "Meeting in progress", False),
    (replace(NOTHING, state=T.SECOND_PENDING), "Schedule the second consultation", False),
    (replace(NOTHING, state=T.AT_ASSEMBLY),
     "Record the decision of the residents' (representatives') meeting", False),
    (replace(NOTHING, state=T.CONSENSUS, unsigned_minutes=1), "Minutes to sign: 1", False),
    (replace(NOTHING, state=T.MINUTES_SIGNED),
     "File with the party organisation and the committee", False),
    (replace(NOTHING, state=T.FILED), "Publish on the notice board", False),
    (replace(NOTHING, state=T.PUBLISHED, published_until=date(2025, 6, 17)),
     "On the notice board until 2025-06-17", False),
]


def test_every_row_of_the_table_is_tested_in_order() -> None:
    assert len(ROWS) == len(DUE_NEXT)
    for (facts, _text, _late), row in zip(ROWS, DUE_NEXT, strict=True):
        assert facts.state in row.states and row.applies(facts)


@pytest.mark.parametrize(("facts", "text", "late"), ROWS,
                         ids=[f"{i}-{f.state}" for i, (f, _t, _l) in enumerate(ROWS)])
def test_each_row_says_what_is_due_next(facts: BoardFacts, text: str, late: bool) -> None:
    due = due_next(facts)
    assert (due.text, due.late) == (text, late) and due.clause


def test_notices_are_late_once_their_day_has_passed() -> None:
    assert due_next(replace(PLANNED, send_notices_by=NOW - timedelta(minutes=1))).late
    assert not due_next(replace(PLANNED, send_notices_by=NOW)).late


def test_a_meeting_is_late_when_its_time_passed_and_sign_in_never_opened() -> None:
    past = replace(NOTHING, state=T.NOTIFIED, meeting_number=1,
                   meeting_at=NOW - timedelta(hours=1), meeting_scheduled=True)
    assert due_next(past).late
    assert not due_next(replace(past, meeting_scheduled=False)).late  # signing in already


def test_an_approved_major_plan_waits_for_the_notices_not_the_party() -> None:
    due = due_next(replace(PLANNED, state=T.APPROVED, major=True, plan_approved=True))
    assert due.text.startswith("Send the notices by")


def test_without_a_plan_or_a_posting_period_nothing_is_due() -> None:
    assert due_next(replace(NOTHING, state=T.PLANNED)) == NOTHING_DUE
    assert due_next(replace(NOTHING, state=T.PUBLISHED)) == NOTHING_DUE


facts = st.builds(
    BoardFacts,
    state=st.sampled_from(sorted(TOPIC_STATES)),
    major=st.booleans(), has_plan=st.booleans(), plan_approved=st.booleans(),
    send_notices_by=st.none() | st.datetimes(min_value=datetime(2024, 1, 1),
                                             max_value=datetime(2026, 1, 1)),
    meeting_number=st.none() | st.integers(min_value=1, max_value=9),
    meeting_at=st.none() | st.datetimes(min_value=datetime(2024, 1, 1),
                                        max_value=datetime(2026, 1, 1)),
    meeting_scheduled=st.booleans(), unsigned_minutes=st.integers(min_value=0, max_value=5),
    published_until=st.none() | st.dates(), now=st.just(NOW),
)


@given(facts)
def test_the_board_always_has_an_answer_and_terminal_topics_have_nothing_due(
        f: BoardFacts) -> None:
    due = due_next(f)
    assert isinstance(due, Due)
    if f.state in TERMINAL_TOPIC_STATES:
        assert due == NOTHING_DUE
    if due.late:
        assert f.state in (T.PLANNED, T.APPROVED, T.NOTIFIED)
    # 即将到期 only where a deadline is near, and never together with 已超期.
    assert not (due.late and due.soon)
    if due.soon:
        assert f.state in (T.PLANNED, T.APPROVED, T.NOTIFIED)


def test_due_soon_only_within_two_days_of_the_deadline() -> None:
    assert due_next(replace(PLANNED, send_notices_by=NOW + timedelta(days=2))).soon
    assert due_next(replace(PLANNED, send_notices_by=NOW + timedelta(minutes=5))).soon
    assert not due_next(replace(PLANNED, send_notices_by=NOW + timedelta(days=2, minutes=1))).soon
    past = due_next(replace(PLANNED, send_notices_by=NOW - timedelta(minutes=1)))
    assert past.late and not past.soon
    meeting = replace(NOTHING, state=T.NOTIFIED, meeting_number=1, meeting_scheduled=True,
                      meeting_at=NOW + timedelta(hours=3))
    assert due_next(meeting).soon
    assert not due_next(replace(meeting, meeting_at=NOW + timedelta(days=9))).soon
    # A step with no deadline is never 即将到期.
    assert not due_next(replace(NOTHING, state=T.ACCEPTED)).soon
