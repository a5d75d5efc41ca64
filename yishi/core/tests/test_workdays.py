"""Working days on the State Council calendar: the day of receipt is not counted, holidays
and make-up working weekends (调休) count as the notice says, unknown years are provisional."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yishi.core.models import CalendarDay, CalendarYear
from yishi.core.rules import nth_working_day_after, working_days_between
from yishi.core.workdays import (
    add_working_days,
    is_known_day,
    is_working_day,
    package_years,
    working_days_until,
    years_needing_update,
)

pytestmark = pytest.mark.django_db

db_settings = settings(
    max_examples=150, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --- known dates ------------------------------------------------------------------------


def test_the_package_covers_2004_to_2026():
    assert package_years() == (2004, 2026)


def test_national_day_2025_make_up_days_are_working_days():
    # 国办发明电〔2024〕12号: 9月28日(周日)、10月11日(周六)上班
    assert date(2025, 9, 28).weekday() == 6
    assert date(2025, 10, 11).weekday() == 5
    assert is_working_day(date(2025, 9, 28))
    assert is_working_day(date(2025, 10, 11))
    for day in range(1, 9):
        assert not is_working_day(date(2025, 10, day))


def test_one_working_day_after_30_september_2025_is_9_october():
    deadline = add_working_days(date(2025, 9, 30), 1)
    assert deadline.date == date(2025, 10, 9)
    assert deadline.provisional is False


def test_a_make_up_working_sunday_counts():
    # Received on Saturday 27 September 2025: the next working day is Sunday the 28th.
    assert add_working_days(date(2025, 9, 27), 1).date == date(2025, 9, 28)


def test_a_make_up_working_saturday_counts():
    # 9 October (Thu) +1 = 10 October (Fri), +2 = 11 October (Sat, 调休上班), +3 = 13 October.
    assert add_working_days(date(2025, 10, 9), 2).date == date(2025, 10, 11)
    assert add_working_days(date(2025, 10, 9), 3).date == date(2025, 10, 13)


def test_ten_working_days_across_national_day_2025_agree_with_chinese_calendar():
    deadline = add_working_days(date(2025, 9, 26), 10)
    # 27 Sat(rest) 28 Sun(work 1) 29(2) 30(3) 1–8 Oct rest, 9(4) 10(5) 11 Sat(6) 13(7) 14(8) 15(9) 16(10)
    assert deadline.date == date(2025, 10, 16)
    days = chinese_calendar.get_workdays(date(2025, 9, 27), deadline.date)
    assert len(days) == 10


def test_ten_working_days_across_spring_festival_2026():
    # 春节 2026: 2月15日至23日放假, 2月14日(周六)、2月28日(周六)上班
    deadline = add_working_days(date(2026, 2, 12), 10)
    # 13(1) 14 Sat(2) 24(3) 25(4) 26(5) 27(6) 28 Sat(7) 2 Mar(8) 3(9) 4(10)
    assert deadline.date == date(2026, 3, 4)
    assert deadline.provisional is False


def test_the_day_before_spring_festival_2026_waits_for_the_holiday_to_end():
    assert add_working_days(date(2026, 2, 14), 1).date == date(2026, 2, 24)
    assert add_working_days(date(2026, 2, 13), 1).date == date(2026, 2, 14)


def test_the_start_day_is_not_counted_even_when_it_is_a_working_day():
    # Monday 2 March 2026: one working day later is Tuesday, not Monday itself.
    assert add_working_days(date(2026, 3, 2), 1).date == date(2026, 3, 3)


def test_zero_working_days_is_the_start_day_itself():
    for start in (date(2026, 3, 2), date(2026, 2, 15), date(2031, 6, 7)):
        deadline = add_working_days(start, 0)
        assert deadline.date == start
        assert deadline.provisional is False


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 2), -1)


def test_a_weekday_beyond_the_holiday_data_is_a_working_day_but_the_deadline_is_provisional():
    assert not is_known_day(date(2027, 3, 3))
    assert is_working_day(date(2027, 3, 3))  # a Wednesday
    assert not is_working_day(date(2027, 3, 6))  # a Saturday
    deadline = add_working_days(date(2027, 3, 3), 1)
    assert deadline.date == date(2027, 3, 4)
    assert deadline.provisional is True


def test_a_deadline_that_crosses_into_an_unknown_year_is_provisional():
    deadline = add_working_days(date(2026, 12, 28), 10)
    assert deadline.date.year == 2027
    assert deadline.provisional is True


def test_a_deadline_inside_the_known_years_is_not_provisional():
    assert add_working_days(date(2026, 12, 1), 10).provisional is False


def test_a_calendar_day_override_changes_the_result():
    # An administrator enters 5 March 2027 (Friday) as a holiday and 6 March (Saturday) as a
    # make-up working day.
    assert add_working_days(date(2027, 3, 4), 1).date == date(2027, 3, 5)
    CalendarDay.objects.create(date=date(2027, 3, 5), is_working_day=False, note="休")
    CalendarDay.objects.create(date=date(2027, 3, 6), is_working_day=True, note="班")
    assert not is_working_day(date(2027, 3, 5))
    assert is_working_day(date(2027, 3, 6))
    assert add_working_days(date(2027, 3, 4), 1).date == date(2027, 3, 6)
    assert add_working_days(date(2027, 3, 4), 2).date == date(2027, 3, 8)


def test_an_override_also_corrects_a_year_the_package_knows():
    CalendarDay.objects.create(date=date(2026, 3, 3), is_working_day=False)
    assert not is_working_day(date(2026, 3, 3))
    assert add_working_days(date(2026, 3, 2), 1).date == date(2026, 3, 4)


def test_a_calendar_year_row_makes_that_year_non_provisional():
    assert add_working_days(date(2027, 3, 3), 5).provisional is True
    assert years_needing_update(date(2026, 11, 1)) == [2027]
    CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕")
    assert is_known_day(date(2027, 3, 3))
    assert add_working_days(date(2027, 3, 3), 5).provisional is False
    assert years_needing_update(date(2026, 11, 1)) == []
    # A deadline that reaches into 2028 is still provisional.
    assert add_working_days(date(2027, 12, 28), 10).provisional is True


def test_working_days_until_counts_down_to_the_deadline_and_goes_negative_when_overdue():
    due = add_working_days(date(2025, 9, 30), 3).date  # 9, 10, 11 October
    assert due == date(2025, 10, 11)
    assert working_days_until(date(2025, 9, 30), due) == 3
    assert working_days_until(date(2025, 10, 8), due) == 3
    assert working_days_until(due, due) == 0
    assert working_days_until(date(2025, 10, 14), due) == -2


# --- properties -------------------------------------------------------------------------

starts = st.dates(min_value=date(2004, 1, 1), max_value=date(2028, 12, 31))
counts = st.integers(min_value=0, max_value=45)


def _working_days_in(start: date, end: date) -> int:
    """Working days in (start, end], counted one by one with ``is_working_day``."""
    n, day = 0, start
    while day < end:
        day += timedelta(days=1)
        n += is_working_day(day)
    return n


@db_settings
@given(start=starts, n=st.integers(min_value=1, max_value=45))
def test_the_deadline_is_always_a_working_day(start, n):
    assert is_working_day(add_working_days(start, n).date)


@settings(db_settings, max_examples=80)
@given(start=starts, n=counts)
def test_exactly_n_working_days_lie_between_the_start_and_the_deadline(start, n):
    deadline = add_working_days(start, n)
    assert deadline.date >= start
    assert _working_days_in(start, deadline.date) == n
    assert working_days_until(start, deadline.date) == n


@db_settings
@given(start=starts, n=counts)
def test_the_deadline_strictly_increases_with_n(start, n):
    assert add_working_days(start, n).date < add_working_days(start, n + 1).date


@db_settings
@given(start=starts, n=counts)
def test_provisional_exactly_when_a_counted_day_lies_beyond_the_data(start, n):
    deadline = add_working_days(start, n)
    counted = [start + timedelta(days=i) for i in range(1, (deadline.date - start).days + 1)]
    assert deadline.provisional == any(not is_known_day(d) for d in counted)


@settings(max_examples=200, deadline=None)
@given(
    pattern=st.lists(st.booleans(), min_size=7, max_size=7).filter(any),
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2050, 1, 1)),
    n=st.integers(min_value=0, max_value=30),
)
def test_the_pure_counter_agrees_with_working_days_between(pattern, start, n):
    def is_working(d: date) -> bool:
        return pattern[d.weekday()]

    deadline = nth_working_day_after(start, n, is_working=is_working, is_known=lambda d: True)
    assert working_days_between(start, deadline.date, is_working=is_working) == n
    assert working_days_between(deadline.date, start, is_working=is_working) == -n
    assert n == 0 or is_working(deadline.date)


@db_settings
@given(day=st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31)))
def test_without_overrides_a_known_day_is_what_the_state_council_calendar_says(day):
    assert is_known_day(day)
    assert is_working_day(day) == chinese_calendar.is_workday(day)


@db_settings
@given(day=st.dates(min_value=date(2027, 1, 1), max_value=date(2040, 12, 31)))
def test_without_overrides_an_unknown_day_is_judged_monday_to_friday(day):
    assert not is_known_day(day)
    assert is_working_day(day) == (day.weekday() < 5)
