"""Pure rules shared by several apps (no ORM, no request)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Deadline:
    """A due date; ``provisional`` when a day counted lies beyond known holiday data."""

    date: date
    provisional: bool = False


def nth_working_day_after(
    start: date,
    n: int,
    *,
    is_working: Callable[[date], bool],
    is_known: Callable[[date], bool],
) -> Deadline:
    """The n-th working day after ``start``; the day of receipt is not counted.

    期间开始的当日不计入 (Civil Code art. 201): counting starts the next day. ``n`` of 0
    is ``start`` itself. A day outside the holiday data is judged by ``is_working``
    (weekdays) and makes the result provisional.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    provisional = False
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if not is_known(day):
            provisional = True
        if is_working(day):
            counted += 1
    return Deadline(day, provisional)


def working_days_between(
    start: date, end: date, *, is_working: Callable[[date], bool]
) -> int:
    """Working days in (start, end]; negative when ``end`` is before ``start``."""
    if end < start:
        return -working_days_between(end, start, is_working=is_working)
    day, count = start, 0
    while day < end:
        day += timedelta(days=1)
        if is_working(day):
            count += 1
    return count


# --- Separate administrators (三员分立) -----------------------------------------------------

SEPARATION_CLAUSE = "GB/T 22239-2019 8.1.4.2"  # 访问控制 c): 最小权限, 管理用户的权限分离


def duty_grant_refusal(*, holds_duty: str | None, is_superuser: bool, is_active: bool,
                       actor_is_installer: bool) -> str | None:
    """Why an account may not take up an administrator duty, or None when it may.

    Only the installer (the superuser, or ``manage.py admin_duty`` on the server) grants
    a duty; an account holds one duty at a time, so no one is both the administrator
    and the auditor of the same changes; the superuser is for installation and holds none.
    """
    if not actor_is_installer:
        return "installer"
    if not is_active:
        return "inactive"
    if is_superuser:
        return "superuser"
    if holds_duty is not None:
        return "one_duty"
    return None
