"""Meetings on a calendar (会议日历): the meetings the seeds and the law ask each community to
hold on a cadence, and when each period of a year falls due. Pure: no ORM.

One table, ``CADENCES``, says for each cadence which records count, over which periods of
the year, how many at least each period (the floor, from its clause) and which community
setting may ask for more. ``cadence_periods`` turns the dates of the records held into the
state of every period: held, due (not yet held, its last day not passed) or missed.

The fourth cadence of issue 14, 不少于4次 consultations a year (000 §(二)(6)), is the
ledger's own yearly minimum (``rules.check_minimum_floor``, the consultations columns) and is
not repeated here. The township committee's cadence (003 八(一)) joins the table as rows
with ``applies_to="township"`` once that committee exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yishi.core.exceptions import RuleViolation

HELD, DUE, MISSED = "held", "due", "missed"
STATES: dict[str, Any] = {
    HELD: _("Held in the period"),
    DUE: _("Still due"),
    MISSED: _("Missed"),
}

# Which community a cadence is asked of: every community and village, villages only (the
# villagers' committees' law), or urban communities only (residents' committees).
APPLIES_TO = ("all", "village", "urban")  # later: "township" (003 八(一))


@dataclass(frozen=True)
class PeriodSpec:
    """One period of the year: its first day and its due date (the last day to hold it)."""

    key: str
    label: Any
    start: tuple[int, int]  # (month, day)
    due: tuple[int, int]


QUARTERS = (
    PeriodSpec("q1", _("First quarter"), (1, 1), (3, 31)),
    PeriodSpec("q2", _("Second quarter"), (4, 1), (6, 30)),
    PeriodSpec("q3", _("Third quarter"), (7, 1), (9, 30)),
    PeriodSpec("q4", _("Fourth quarter"), (10, 1), (12, 31)),
)
# 每年年初、年末至少分别召开一次 (004 第五篇 二(三)2(2)): the start of the year read as its
# first quarter, the end as its last; a meeting in between counts for neither.
START_AND_END = (
    PeriodSpec("start", _("Start of the year"), (1, 1), (3, 31)),
    PeriodSpec("end", _("End of the year"), (10, 1), (12, 31)),
)
WHOLE_YEAR = (PeriodSpec("year", _("The whole year"), (1, 1), (12, 31)),)
PERIODS: dict[str, tuple[PeriodSpec, ...]] = {
    "quarter": QUARTERS,
    "start_and_end": START_AND_END,
    "year": WHOLE_YEAR,
}


@dataclass(frozen=True)
class Cadence:
    """A meeting a community must hold on the calendar, with the clause that asks for it.

    ``counts`` names the records: ``"meetings"`` (consultation meetings held, someone signed
    in, of a plan in one of ``forms``) or ``"assemblies"`` (assemblies of one of ``kinds``,
    by the day held). ``floor`` is the least per period the clause allows; ``setting`` the
    community's ledger setting (``LedgerSettings``) that may ask for more.
    """

    key: str
    label: Any
    counts: str
    forms: tuple[str, ...]
    kinds: tuple[str, ...]
    applies_to: str
    period: str
    floor: int
    clause: str
    setting: str


CLAUSE_COUNCIL = "001 §二(一)2(2)"
CLAUSE_REPRESENTATIVES = "村民委员会组织法 第二十六条"
# Written with full-width brackets: the reference is shown in words as it stands.
CLAUSE_RESIDENTS = "004 第五篇 二（三）2（2）"

CADENCES: dict[str, Cadence] = {
    # 深化民主议事会制度……会议原则上每季度召开一次 (001 §二(一)2(2)). 001 §二(一) names the
    # 民主议事会 beside the 恳谈会, 听证会 and 评议会 as a system of its own; here it is the
    # consultation committee's meetings in the form 议事会 (a plan's form "council").
    "council": Cadence(
        "council", _("Deliberation council (民主议事会)"), "meetings", ("council",), (),
        "all", "quarter", 1, CLAUSE_COUNCIL, "min_councils"),
    # 村民代表会议由村民委员会召集。村民代表会议每季度召开一次 (村委会组织法 第二十六条):
    # villages only; recorded as assemblies of the kind "representatives".
    "representatives": Cadence(
        "representatives", _("Villagers' representatives' meeting (村民代表会议)"),
        "assemblies", (), ("representatives",), "village", "quarter", 1,
        CLAUSE_REPRESENTATIVES, "min_representatives"),
    # 健全社区居民会议制度，每年年初、年末至少分别召开一次社区居民会议 (004 第五篇
    # 二(三)2(2), the standard of the residents' committees): urban communities; assemblies
    # of the kind "residents".
    "residents": Cadence(
        "residents", _("Residents' meeting (居民会议)"), "assemblies", (), ("residents",),
        "urban", "start_and_end", 1, CLAUSE_RESIDENTS, "min_residents"),
}


def applies(cadence: Cadence, *, is_village: bool) -> bool:
    """Whether a community (a village or not) is asked for this cadence."""
    if cadence.applies_to == "all":
        return True
    if cadence.applies_to == "village":
        return is_village
    if cadence.applies_to == "urban":
        return not is_village
    return False  # another level's cadence (the township's)


def check_cadence_floor(cadence: Cadence, minimum: object) -> None:
    """A community may ask for more meetings a period than the clause, never fewer."""
    if (isinstance(minimum, bool) or not isinstance(minimum, int)
            or minimum < cadence.floor):
        raise RuleViolation(
            gettext("%(meeting)s: at least %(n)d a period; a higher number is allowed, a "
                    "lower one is not.") % {"meeting": cadence.label, "n": cadence.floor},
            rule="cadence_floor", clause=cadence.clause)


def minimum_for(cadence: Cadence, configured: int | None) -> int:
    """The community's minimum a period: its setting, or the floor without one."""
    return cadence.floor if configured is None else max(cadence.floor, int(configured))


@dataclass(frozen=True)
class CadencePeriod:
    """One period of a cadence in a year: when it is due and what was held in it."""

    key: str
    label: Any
    start: date
    due: date
    held: int
    minimum: int
    state: str

    @property
    def short(self) -> int:
        return max(0, self.minimum - self.held)


def _day(year: int, md: tuple[int, int]) -> date:
    return date(year, md[0], md[1])


def cadence_periods(cadence: Cadence, year: int, held_dates: Iterable[date], today: date,
                    minimum: int) -> list[CadencePeriod]:
    """Every period of ``cadence`` in ``year``, in order, with its due date, how many
    meetings were held in it (a date may repeat: two meetings on one day) and its state.

    A period is **held** once it has ``minimum`` meetings (不少于: the minimum itself is
    enough); otherwise **missed** once its due date has passed (the due date itself is still
    in time), else **due**. Dates outside every period of the year count for none.
    """
    days = list(held_dates)
    out = []
    for spec in PERIODS[cadence.period]:
        start, due = _day(year, spec.start), _day(year, spec.due)
        held = sum(1 for d in days if start <= d <= due)
        if held >= minimum:
            state = HELD
        elif today > due:
            state = MISSED
        else:
            state = DUE
        out.append(CadencePeriod(spec.key, spec.label, start, due, held, minimum, state))
    return out


@dataclass
class Tally:
    """Periods held, due and missed: one community's, or added up over a street's
    (``communities``: how many were asked for the cadence)."""

    held: int = 0
    due: int = 0
    missed: int = 0
    communities: int = 0

    def add(self, other: Tally) -> None:
        self.held += other.held
        self.due += other.due
        self.missed += other.missed
        self.communities += other.communities


def tally(periods: Iterable[CadencePeriod]) -> Tally:
    """One community's periods counted by state."""
    t = Tally(communities=1)
    for p in periods:
        setattr(t, p.state, getattr(t, p.state) + 1)
    return t


# Staff are reminded two weeks before a period's due date while it is not yet held.
REMIND_DAYS_BEFORE = 14
# Missed periods are flagged while their due date is this recent (a sweep that did not run
# for a while still flags them; last year's are not raised again a year later).
FLAG_MISSED_WITHIN = 92


def remind_now(period: CadencePeriod, today: date,
               days_before: int = REMIND_DAYS_BEFORE) -> bool:
    """Whether ``today`` is within ``days_before`` days of a period still due."""
    return period.state == DUE and period.due - timedelta(days=days_before) <= today <= period.due


def flag_now(period: CadencePeriod, today: date, within: int = FLAG_MISSED_WITHIN) -> bool:
    """Whether a missed period is recent enough to flag."""
    return period.state == MISSED and today - timedelta(days=within) <= period.due < today
