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


# --- Opinion couriers' appointments (002 一聘) --------------------------------------------

# 002 一聘: 面向社会公开招聘民情专递员，实行一年一聘、一年一考核，并给予适当的工作补贴；
# 街道工作人员和村（社区）“两委”成员不纳入民情专递员选聘范围。
COURIER_CLAUSE = "002 一聘"
COURIER_TERM_YEARS = 1

# RoleKind values (``kinds.py``; this module imports no models). Street staff (街道工作人员):
# a township / street official anywhere, or a community worker, chair or party role held at
# a street. Members of the two committees (村（社区）“两委”: the residents' or villagers'
# committee, 村（居）民委员会, and the community's party organisation, 党组织委员会): the
# community workers (社区工作者, who sit on the residents' committee), the committee chair
# (the residents' committee's director chairs the consultation committee) and the party
# organisation, held at a community or below; and whoever holds the consultation
# committee's party or residents' committee seat (Seat.PARTY, Seat.COMMITTEE), which those
# committees fill from their members. The supervisory committee (村务监督委员会) is not one
# of the two committees, and the seed does not bar it.
STREET_STAFF_KINDS = frozenset({"township"})
TWO_COMMITTEES_KINDS = frozenset({"staff", "chair", "party"})
TWO_COMMITTEES_SEATS = frozenset({"party", "committee"})
STREET_PLACE_KINDS = frozenset({"street", "district", "city"})  # PlaceKind values


def courier_term_end(start: date) -> date:
    """The last day of a courier's one-year term (一年一聘) starting on ``start``."""
    return term_end(start, COURIER_TERM_YEARS)


def check_courier_term(start: date, end: date) -> None:
    """A courier is appointed for one year: from ``start`` to the day before its anniversary."""
    if end != courier_term_end(start):
        raise RuleViolation(
            _("A courier is appointed for one year: from %(start)s until %(end)s.")
            % {"start": start, "end": courier_term_end(start)},
            rule="courier_term", clause=COURIER_CLAUSE)


def overlapping_term(start: date, end: date,
                     terms: list[tuple[date, date | None]]) -> tuple[date, date | None] | None:
    """The first of ``terms`` (start, last day or None for open) that shares a day with
    ``start``–``end`` (both included), or None."""
    for other_start, other_end in sorted(terms, key=lambda t: t[0]):
        if other_start <= end and (other_end is None or other_end >= start):
            return other_start, other_end
    return None


def check_courier_overlap(start: date, end: date,
                          terms: list[tuple[date, date | None]]) -> None:
    """One person holds one courier appointment of a community at a time."""
    clash = overlapping_term(start, end, terms)
    if clash is not None:
        raise RuleViolation(
            _("This person is already a courier of this community from %(start)s until "
              "%(end)s; a new term starts after that one ends.")
            % {"start": clash[0], "end": clash[1] or "—"},
            rule="courier_overlap", clause=COURIER_CLAUSE)


def check_courier_eligible(*, roles: list[tuple[str, str]], seats: list[str]) -> None:
    """Street staff and members of the two committees are not appointed couriers (002 一聘).

    ``roles`` are the (RoleKind, PlaceKind) of every role the person holds on the term's
    first day; ``seats`` the consultation-committee seats they hold that day."""
    for kind, place_kind in roles:
        if kind in STREET_STAFF_KINDS or (kind in TWO_COMMITTEES_KINDS
                                          and place_kind in STREET_PLACE_KINDS):
            raise RuleViolation(
                _("Street (township) staff are not appointed opinion couriers."),
                rule="courier_street_staff", clause=COURIER_CLAUSE)
    if any(kind in TWO_COMMITTEES_KINDS for kind, _place in roles) or any(
            seat in TWO_COMMITTEES_SEATS for seat in seats):
        raise RuleViolation(
            _("Members of the community's two committees (the residents' committee and the "
              "party organisation) are not appointed opinion couriers."),
            rule="courier_two_committees", clause=COURIER_CLAUSE)


def check_recruitment_dates(announced_on: date, closes_on: date, today: date) -> None:
    """公开招聘: announced, then open for applications until it closes; not announced in
    the future."""
    if announced_on > today:
        raise RuleViolation(_("A recruitment is recorded once it has been announced."),
                            rule="date", clause=COURIER_CLAUSE)
    if closes_on < announced_on:
        raise RuleViolation(_("Applications cannot close before the recruitment is announced."),
                            rule="date", clause=COURIER_CLAUSE)


def check_appointment_after_recruitment(closes_on: date, start: date) -> None:
    """A courier recruited openly starts once applications have closed."""
    if start <= closes_on:
        raise RuleViolation(
            _("The term starts after applications to the recruitment close (%(date)s).")
            % {"date": closes_on}, rule="courier_recruitment", clause=COURIER_CLAUSE)


# 一年一考核: the yearly assessment's results (考核等次).
ASSESSMENT_FAILED = "incompetent"  # 不称职


def check_assessment_date(term_start: date, on: date, today: date) -> None:
    """The assessment of a term is made during it or after it, and not in the future."""
    if on < term_start or on > today:
        raise RuleViolation(
            _("The assessment is dated from the term's start (%(start)s) up to today.")
            % {"start": term_start}, rule="date", clause=COURIER_CLAUSE)


def check_reappointment(*, assessment_result: str | None, ended_early: bool) -> None:
    """一年一考核: a courier is reappointed for the next year only after the current term
    is assessed, and not when it was assessed 不称职 (incompetent)."""
    if ended_early:
        raise RuleViolation(_("This appointment was ended early; appoint the person again "
                              "from a recruitment instead."),
                            rule="courier_ended", clause=COURIER_CLAUSE)
    if assessment_result is None:
        raise RuleViolation(
            _("Record the yearly assessment of the current term before reappointing."),
            rule="courier_assessment", clause=COURIER_CLAUSE)
    if assessment_result == ASSESSMENT_FAILED:
        raise RuleViolation(
            _("A courier assessed as incompetent is not reappointed."),
            rule="courier_incompetent", clause=COURIER_CLAUSE)
