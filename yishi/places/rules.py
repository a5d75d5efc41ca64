"""Pure rules about people and terms (no ORM)."""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext as _

from yishi.core.exceptions import RuleViolation

COMMITTEE_TERM_YEARS = 3  # 000 §(二)(2): 原则上每三年为一个任期，可连任

_PHONE = re.compile(r"^1[3-9]\d{9}$")
_ID = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def is_valid_phone(phone: str) -> bool:
    """A mainland mobile number: 11 digits starting 13–19."""
    return bool(_PHONE.match(phone or ""))


def is_valid_id_number(id_number: str) -> bool:
    """An 18-character resident ID number with a correct GB 11643 check digit."""
    s = (id_number or "").upper()
    if not _ID.match(s):
        return False
    total = sum(int(c) * w for c, w in zip(s[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != s[17]:
        return False
    try:
        date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    return True


def birth_date_from_id(id_number: str) -> date | None:
    if not is_valid_id_number(id_number):
        return None
    s = id_number
    return date(int(s[6:10]), int(s[10:12]), int(s[12:14]))


def id_check_digit(first17: str) -> str:
    """The check digit for 17 digits (used by the demo data and the tests)."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def age_on(birth: date, on: date) -> int:
    """Full years of age on ``on``; a birthday on 29 February counts from 1 March."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def latest_birth_date_for_age(age: int, on: date) -> date:
    """Anyone born on or before this date is at least ``age`` on ``on`` (以上 includes)."""
    try:
        return on.replace(year=on.year - age)
    except ValueError:  # on is 29 Feb and the target year has none
        return date(on.year - age, 2, 28)


def term_end(start: date, years: int = COMMITTEE_TERM_YEARS) -> date:
    """The last day of a term starting on ``start`` (届满: the day before the anniversary)."""
    from datetime import timedelta

    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:
        anniversary = date(start.year + years, 3, 1)
    return anniversary - timedelta(days=1)


# --- Roles -------------------------------------------------------------------------------

# 村民委员会组织法 第二十五条: 村民代表由村民按每五户至十五户推选一人 — a representative is
# chosen by and from the residents, so the role is held within a community.
REPRESENTATIVE_CLAUSE = "村民委员会组织法 第二十五条"
REPRESENTATIVE_KIND = "representative"  # RoleKind.REPRESENTATIVE
WITHIN_COMMUNITY = frozenset({"community", "group", "building"})  # PlaceKind values


def check_role_term(start: date, end: date | None) -> None:
    """A role's term ends on or after the day it starts (both days included)."""
    if end is not None and end < start:
        raise RuleViolation(
            _("A role cannot end (%(end)s) before it starts (%(start)s).")
            % {"end": end, "start": start}, rule="end_date")


def check_role_place(kind: str, place_kind: str) -> None:
    """A residents' representative represents a community, a group or a building in it."""
    if kind == REPRESENTATIVE_KIND and place_kind not in WITHIN_COMMUNITY:
        raise RuleViolation(
            _("A residents' representative is held in a community, one of its groups or a "
              "building; choose one of those places."),
            rule="role_place", clause=REPRESENTATIVE_CLAUSE)


def check_role_end(start: date, end: date | None, on: date | None) -> None:
    """Ending a role on ``on`` (the last day held): not before it starts, and only earlier
    than an end it already has (a role is not reopened or extended: grant it again)."""
    if on is None:
        raise RuleViolation(
            _("A role's end is not taken back; grant the role again from the day it resumes."),
            rule="reopen")
    if on < start:
        raise RuleViolation(
            _("A role cannot end before it starts (%(date)s).") % {"date": start},
            rule="end_date")
    if end is not None and on >= end:
        raise RuleViolation(
            _("The role already ends on %(date)s; to hold it longer, grant it again from the "
              "next day.") % {"date": end}, rule="ended")
