"""Pure rules of the ledger (台账): the yearly minimum of consultations and summary figures.

No ORM here: selectors count in the database and pass the numbers in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils.translation import gettext

from yishi.core.exceptions import RuleViolation

CLAUSE_MINIMUM = "000 §(二)(6)"
# 000 §(二)(6): 每个村(社区)全年开展协商活动不少于4次 ("not fewer than 4": 4 itself is enough).
DEFAULT_MINIMUM_CONSULTATIONS = 4
FIRST_YEAR = 2000  # ledgers are asked for years from here to next year


def check_minimum_floor(minimum: int) -> None:
    """No community's yearly target below the seed's four (a higher one is allowed)."""
    if (isinstance(minimum, bool) or not isinstance(minimum, int)
            or minimum < DEFAULT_MINIMUM_CONSULTATIONS):
        raise RuleViolation(
            gettext("Every village and community holds at least %(n)d consultations a year; "
                    "a higher target is allowed, a lower one is not.")
            % {"n": DEFAULT_MINIMUM_CONSULTATIONS},
            rule="minimum_floor", clause=CLAUSE_MINIMUM)


def minimum_met(consultations: int, minimum: int = DEFAULT_MINIMUM_CONSULTATIONS) -> bool:
    """Whether a community held enough consultations in the year (不少于: ``minimum`` included).

    A consultation is a meeting of one of the community's topics that was held, i.e.
    opened (and possibly closed) in the calendar year; a second consultation on the same
    topic is another consultation. A minimum of zero or less is always met.
    """
    if consultations < 0:
        raise ValueError("a count of consultations cannot be negative")
    return consultations >= minimum


def shortfall(consultations: int, minimum: int = DEFAULT_MINIMUM_CONSULTATIONS) -> int:
    """How many more consultations the year still needs (0 once the minimum is met)."""
    return max(0, minimum - max(0, consultations))


def valid_year(year: int, today: date) -> bool:
    """Years a ledger or dashboard can be asked for: from 2000 up to next year."""
    return FIRST_YEAR <= year <= today.year + 1


def median_from_histogram(counts: Iterable[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many) pairs; None when there are none.

    The database counts answer times per whole day; this reads the median off those counts
    without loading a row per opinion.
    """
    pairs = sorted((v, n) for v, n in counts if n > 0)
    total = sum(n for _, n in pairs)
    if total == 0:
        return None
    # Positions (0-based) of the middle value(s).
    lo, hi = (total - 1) // 2, total // 2
    found: list[int] = []
    seen = 0
    for value, n in pairs:
        while len(found) < 2 and seen + n > (lo if not found else hi):
            found.append(value)
        seen += n
        if len(found) == 2:
            break
    return (found[0] + found[1]) / 2


def share(part: int, whole: int) -> float | None:
    """part / whole as a fraction of 1, None for an empty whole (never a 0/0 percentage)."""
    if whole <= 0:
        return None
    return part / whole
