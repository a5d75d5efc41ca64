"""Meetings on a calendar (issue 14, item 4): the due dates and states of every cadence's
periods are a pure function of the days held, the day it is and the minimum."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yishi.core.exceptions import RuleViolation
from yishi.ledger import cadence
from yishi.ledger.cadence import CADENCES, DUE, HELD, MISSED, cadence_periods

YEAR = 2026
cadences = st.sampled_from(list(CADENCES.values()))
days = st.dates(date(YEAR - 1, 10, 1), date(YEAR + 1, 3, 31))
held_days = st.lists(days, max_size=12)
minimums = st.integers(1, 4)


@given(cadences, held_days, days, minimums)
def test_every_period_of_the_year_appears_once_in_order_within_the_year(c, held, today, n):
    periods = cadence_periods(c, YEAR, held, today, n)
    keys = [p.key for p in periods]
    assert keys == [s.key for s in cadence.PERIODS[c.period]]
    assert len(set(keys)) == len(keys)
    for p in periods:
        assert date(YEAR, 1, 1) <= p.start <= p.due <= date(YEAR, 12, 31)
        assert p.held == sum(1 for d in held if p.start <= d <= p.due)
    assert all(a.due < b.start for a, b in zip(periods, periods[1:], strict=False))


@given(cadences, held_days, days, minimums)
def test_the_state_follows_the_count_and_the_due_date(c, held, today, n):
    for p in cadence_periods(c, YEAR, held, today, n):
        if p.held >= n:
            assert p.state == HELD  # 不少于: the minimum itself is enough
        elif today > p.due:
            assert p.state == MISSED
        else:
            assert p.state == DUE
        if today <= p.due:
            assert p.state != MISSED  # never missed before its due date, nor on it


@given(cadences, held_days, days, days, minimums)
def test_holding_one_more_meeting_never_makes_a_period_worse(c, held, extra, today, n):
    rank = {MISSED: 0, DUE: 1, HELD: 2}
    before = cadence_periods(c, YEAR, held, today, n)
    after = cadence_periods(c, YEAR, [*held, extra], today, n)
    for b, a in zip(before, after, strict=True):
        assert a.held >= b.held
        assert rank[a.state] >= rank[b.state]


@given(cadences, held_days, days, minimums)
def test_time_passing_only_turns_due_into_missed(c, held, today, n):
    earlier = cadence_periods(c, YEAR, held, today, n)
    later = cadence_periods(c, YEAR, held, today + timedelta(days=40), n)
    for e, lt in zip(earlier, later, strict=True):
        assert e.state == lt.state or (e.state, lt.state) == (DUE, MISSED)


@given(cadences, held_days, days, minimums)
def test_asking_for_more_never_makes_a_period_better(c, held, today, n):
    rank = {MISSED: 0, DUE: 1, HELD: 2}
    for lo, hi in zip(cadence_periods(c, YEAR, held, today, n),
                      cadence_periods(c, YEAR, held, today, n + 1), strict=True):
        assert rank[hi.state] <= rank[lo.state]


def test_the_quarters_fall_due_on_their_last_days() -> None:
    periods = cadence_periods(CADENCES["council"], 2026, [], date(2026, 1, 1), 1)
    assert [p.due for p in periods] == [date(2026, 3, 31), date(2026, 6, 30),
                                        date(2026, 9, 30), date(2026, 12, 31)]


def test_the_residents_meeting_is_asked_at_the_start_and_at_the_end_of_the_year() -> None:
    c = CADENCES["residents"]
    periods = cadence_periods(c, 2026, [date(2026, 2, 10), date(2026, 6, 1)],
                              date(2026, 12, 6), 1)
    assert [(p.key, p.due, p.held, p.state) for p in periods] == [
        ("start", date(2026, 3, 31), 1, HELD),
        ("end", date(2026, 12, 31), 0, DUE),  # a meeting in June counts for neither
    ]
    [_start, end] = cadence_periods(c, 2026, [], date(2027, 1, 1), 1)
    assert end.state == MISSED


def test_the_due_date_itself_is_still_in_time() -> None:
    q1 = cadence_periods(CADENCES["council"], 2026, [], date(2026, 3, 31), 1)[0]
    assert q1.state == DUE
    q1 = cadence_periods(CADENCES["council"], 2026, [], date(2026, 4, 1), 1)[0]
    assert q1.state == MISSED


def test_who_is_asked() -> None:
    assert cadence.applies(CADENCES["council"], is_village=True)
    assert cadence.applies(CADENCES["council"], is_village=False)
    assert cadence.applies(CADENCES["representatives"], is_village=True)
    assert not cadence.applies(CADENCES["representatives"], is_village=False)
    assert cadence.applies(CADENCES["residents"], is_village=False)
    assert not cadence.applies(CADENCES["residents"], is_village=True)


@given(cadences, st.integers(-2, 6))
def test_a_setting_below_the_floor_is_refused_with_the_clause(c, n):
    try:
        cadence.check_cadence_floor(c, n)
    except RuleViolation as e:
        assert n < c.floor and e.rule == "cadence_floor" and e.clause == c.clause
    else:
        assert n >= c.floor


@pytest.mark.parametrize("value", [None, "2", 1.5, True])
def test_a_setting_that_is_not_a_whole_number_is_refused(value) -> None:
    with pytest.raises(RuleViolation):
        cadence.check_cadence_floor(CADENCES["council"], value)


@given(cadences, held_days, days, minimums)
def test_reminders_come_in_the_two_weeks_before_a_due_date_and_flags_after_it(c, held, today, n):
    for p in cadence_periods(c, YEAR, held, today, n):
        if cadence.remind_now(p, today):
            assert p.state == DUE and 0 <= (p.due - today).days <= cadence.REMIND_DAYS_BEFORE
        if cadence.flag_now(p, today):
            assert p.state == MISSED and today > p.due
        assert not (cadence.remind_now(p, today) and cadence.flag_now(p, today))


def test_a_tally_counts_the_periods_by_state() -> None:
    periods = cadence_periods(CADENCES["council"], 2026, [date(2026, 2, 1), date(2026, 8, 1)],
                              date(2026, 7, 1), 1)
    t = cadence.tally(periods)
    assert (t.held, t.due, t.missed, t.communities) == (2, 1, 1, 1)


def test_the_township_committee_can_join_the_table_without_being_asked_of_communities() -> None:
    township = cadence.Cadence("township_council", "协商议事会", "meetings", ("council",), (),
                               "township", "quarter", 1, "003 §八(一)", "")
    assert not cadence.applies(township, is_village=True)
    assert not cadence.applies(township, is_village=False)
    assert len(cadence_periods(township, 2026, [], date(2026, 1, 1), 1)) == 4
