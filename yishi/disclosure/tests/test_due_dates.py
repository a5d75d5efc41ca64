"""三务公开 cadence (004 第一篇 四.4): party affairs half-yearly, government and village
affairs quarterly, each due by the 20th of the month after the period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yishi.disclosure.rules import (
    disclosure_due_dates,
    period_covered,
    reminder_due,
    schedule_for_year,
)

KINDS = st.sampled_from(["party", "government", "village"])
YEARS = st.integers(min_value=2, max_value=9998)


def test_party_affairs_are_due_on_january_and_july_the_twentieth():
    assert disclosure_due_dates("party", 2026) == [date(2026, 1, 20), date(2026, 7, 20)]


def test_government_and_village_affairs_are_due_every_quarter():
    expected = [date(2026, 1, 20), date(2026, 4, 20), date(2026, 7, 20), date(2026, 10, 20)]
    assert disclosure_due_dates("government", 2026) == expected
    assert disclosure_due_dates("village", 2026) == expected


@pytest.mark.parametrize("kind", ["finance", "phased", "", "Party", None, 3])
def test_an_unknown_kind_is_a_value_error(kind):
    with pytest.raises(ValueError):
        disclosure_due_dates(kind, 2026)


def test_january_covers_the_second_half_or_the_fourth_quarter_of_the_year_before():
    half = period_covered("party", date(2026, 1, 20))
    assert (half.code, half.start, half.end) == ("2025-H2", date(2025, 7, 1), date(2025, 12, 31))
    quarter = period_covered("village", date(2026, 1, 20))
    assert (quarter.code, quarter.start, quarter.end) == ("2025-Q4", date(2025, 10, 1),
                                                          date(2025, 12, 31))


def test_july_covers_the_first_half_or_the_second_quarter():
    assert period_covered("party", date(2026, 7, 20)).code == "2026-H1"
    assert period_covered("government", date(2026, 7, 20)).code == "2026-Q2"
    assert period_covered("government", date(2026, 4, 20)).code == "2026-Q1"
    assert period_covered("government", date(2026, 10, 20)).code == "2026-Q3"


def test_a_day_that_is_not_a_due_date_covers_no_period():
    with pytest.raises(ValueError):
        period_covered("party", date(2026, 4, 20))


def test_finances_follow_the_village_quarter():
    assert [d for d, _ in schedule_for_year("finance", 2026)] == disclosure_due_dates("village", 2026)
    with pytest.raises(ValueError):
        schedule_for_year("immediate", 2026)


@given(KINDS, YEARS)
def test_due_dates_fall_in_the_year_sorted_on_the_twentieth(kind, year):
    dates = disclosure_due_dates(kind, year)
    assert dates == sorted(set(dates))
    assert all(d.year == year and d.day == 20 for d in dates)
    assert len(dates) == (2 if kind == "party" else 4)


@given(KINDS, YEARS)
def test_each_due_date_reports_the_period_that_ended_just_before_it(kind, year):
    for due in disclosure_due_dates(kind, year):
        period = period_covered(kind, due)
        assert period.start <= period.end < due
        assert (due - period.end).days == 20  # by the 20th of the next month
        assert period.start.day == 1 and (period.end + timedelta(days=1)).day == 1
        months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
        assert months == (6 if kind == "party" else 3)


@given(KINDS, st.integers(min_value=2, max_value=9000), st.integers(min_value=1, max_value=30))
def test_the_periods_of_consecutive_years_tile_time_without_gap_or_overlap(kind, first, span):
    periods = [period_covered(kind, d) for y in range(first, first + min(span, 5))
               for d in disclosure_due_dates(kind, y)]
    for before, after in zip(periods, periods[1:], strict=False):
        assert after.start == before.end + timedelta(days=1)
    assert len({p.code for p in periods}) == len(periods)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
       st.integers(min_value=0, max_value=30), st.integers(min_value=-40, max_value=40))
def test_a_reminder_is_due_only_in_the_days_before_the_due_date(today, days_before, offset):
    due = today + timedelta(days=offset)
    assert reminder_due(due_on=due, today=today, days_before=days_before) == (
        0 <= offset <= days_before)


@given(KINDS, YEARS)
def test_a_period_code_names_the_same_period_back(kind, year):
    from yishi.disclosure.rules import period_from_code

    for due in disclosure_due_dates(kind, year):
        period = period_covered(kind, due)
        assert period_from_code(period.code) == period


@pytest.mark.parametrize("code", ["", "2025", "2025-Q5", "2025-H3", "25-Q1", "2025-q1", "２０２５-Q1"])
def test_anything_else_is_no_period(code):
    from yishi.disclosure.rules import period_from_code

    assert period_from_code(code) is None
