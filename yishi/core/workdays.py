"""Working days on the State Council holiday schedule (法定节假日 and 调休).

``chinese-calendar`` carries the published schedules; ``CalendarDay`` rows entered by
an administrator override it (a new year's notice can be typed in before the package is
updated). A day neither knows is judged Monday–Friday and the deadline is provisional.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

from .rules import Deadline, nth_working_day_after, working_days_between

__all__ = [
    "Deadline",
    "add_working_days",
    "is_working_day",
    "is_known_day",
    "package_years",
    "years_needing_update",
    "working_days_until",
]


@lru_cache(maxsize=1)
def package_years() -> tuple[int, int]:
    """First and last year the installed ``chinese-calendar`` covers."""
    years = sorted({d.year for d in chinese_calendar.holidays} | {
        d.year for d in chinese_calendar.workdays
    })
    return years[0], years[-1]


def _package_knows(d: date) -> bool:
    first, last = package_years()
    return first <= d.year <= last


def _override(d: date) -> bool | None:
    from .models import CalendarDay

    return (
        CalendarDay.objects.filter(date=d).values_list("is_working_day", flat=True).first()
    )


def _manual_years() -> set[int]:
    from .models import CalendarYear

    return set(CalendarYear.objects.values_list("year", flat=True))


class _Calendar:
    """One lookup of overrides for a range, so counting costs two queries, not one a day."""

    def __init__(self, start: date, end: date) -> None:
        from .models import CalendarDay

        self.overrides = dict(
            CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list(
                "date", "is_working_day"
            )
        )
        self.manual_years = _manual_years()

    def is_known(self, d: date) -> bool:
        return _package_knows(d) or d.year in self.manual_years

    def is_working(self, d: date) -> bool:
        if d in self.overrides:
            return bool(self.overrides[d])
        if _package_knows(d):
            return bool(chinese_calendar.is_workday(d))
        return d.weekday() < 5


def is_working_day(d: date) -> bool:
    """Whether ``d`` is a working day (make-up working weekends 调休 included)."""
    override = _override(d)
    if override is not None:
        return bool(override)
    if _package_knows(d):
        return bool(chinese_calendar.is_workday(d))
    return d.weekday() < 5


def is_known_day(d: date) -> bool:
    return _package_knows(d) or d.year in _manual_years()


def add_working_days(start: date, n: int) -> Deadline:
    """The n-th working day after ``start`` (the day of receipt is not counted)."""
    # 20 working days never span more than ~6 weeks even across the Spring Festival.
    cal = _Calendar(start, start + timedelta(days=n * 3 + 30))
    return nth_working_day_after(start, n, is_working=cal.is_working, is_known=cal.is_known)


def working_days_until(today: date, due: date) -> int:
    """Working days left from ``today`` to ``due`` (negative when overdue)."""
    lo, hi = min(today, due), max(today, due)
    cal = _Calendar(lo, hi)
    return working_days_between(today, due, is_working=cal.is_working)


def years_needing_update(today: date, horizon_years: int = 1) -> list[int]:
    """Years from now to ``horizon_years`` ahead that neither the package nor an admin covers."""
    manual = _manual_years()
    return [
        y for y in range(today.year, today.year + horizon_years + 1)
        if not (_package_knows(date(y, 1, 1)) or y in manual)
    ]


def calendar_update_message(today: date) -> str:
    """What to tell an administrator when next year's holidays are not known yet ("" if known)."""
    from django.utils.translation import gettext as _

    years = years_needing_update(today)
    if not years:
        return ""
    return _(
        "The holiday calendar does not cover %(years)s: deadlines there are counted on "
        "weekdays and marked provisional. Update the chinese-calendar package, or enter the "
        "State Council notice under Calendar days and add a Calendar year."
    ) % {"years": "、".join(str(y) for y in years)}
