"""Disclosure rules as pure functions: the 三务公开 cadence, notice input, masking, files.

No ORM and no request here; services and views call these.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from yishi.core.masking import mask_id_number, mask_phone

# 004 第一篇 四.4: 每年7月20日、次年1月20日前分别公布半年党务工作情况;
# 每年4月20日、7月20日、10月20日和1月20日前公布上一季度政务、村务情况。
DUE_DAY = 20
HALF_YEARLY_MONTHS = (1, 7)
QUARTERLY_MONTHS = (1, 4, 7, 10)
CADENCE: dict[str, tuple[int, ...]] = {
    "party": HALF_YEARLY_MONTHS,
    "government": QUARTERLY_MONTHS,
    "village": QUARTERLY_MONTHS,
}
# Finances are part of village (community) affairs and follow their quarter
# (004 第一篇 四.4 村务公开: 村年度财务计划及执行、各项收支情况; 004 第三篇: 每季度更新).
SCHEDULED_KINDS: dict[str, str] = {
    "party": "party", "government": "government", "village": "village", "finance": "village",
}


def disclosure_due_dates(kind: str, year: int) -> list[date]:
    """The statutory due dates of ``kind`` falling in calendar ``year``, sorted.

    ``kind`` is ``"party"`` (half-yearly: 1-20 and 7-20), ``"government"`` or
    ``"village"`` (quarterly: 1-20, 4-20, 7-20, 10-20); anything else is a ValueError.
    """
    try:
        months = CADENCE[kind]
    except (KeyError, TypeError):
        raise ValueError(f"unknown disclosure kind: {kind!r}") from None
    return [date(year, m, DUE_DAY) for m in sorted(months)]


@dataclass(frozen=True)
class Period:
    """The stretch of time a disclosure reports on, e.g. the 4th quarter of 2025."""

    code: str  # "2025-Q4", "2026-H1"
    start: date
    end: date

    @property
    def label(self) -> str:
        year, part = self.code.split("-")
        if part.startswith("H"):
            if part == "H1":
                return _("first half of %(year)d") % {"year": int(year)}
            return _("second half of %(year)d") % {"year": int(year)}
        return _("Q%(quarter)s %(year)d") % {"quarter": part[1:], "year": int(year)}


_PERIOD_CODE = re.compile(r"([0-9]{4})-(H[12]|Q[1-4])")


def period_from_code(code: str) -> Period | None:
    """The period a code such as ``"2025-Q4"`` names, or None for anything else."""
    m = _PERIOD_CODE.fullmatch(code or "")
    if m is None:
        return None
    year, part = int(m.group(1)), m.group(2)
    months = 6 if part[0] == "H" else 3
    first_month = (int(part[1]) - 1) * months + 1
    start = date(year, first_month, 1)
    nxt = date(year + 1, 1, 1) if first_month + months > 12 else date(year, first_month + months, 1)
    return Period(code=code, start=start, end=nxt - timedelta(days=1))


def parse_small_int(raw: str | None, *, digits: int = 18) -> int | None:
    """An id or a year from a query string: ASCII digits only, or None (never an error)."""
    if raw and len(raw) <= digits and raw.isascii() and raw.isdigit():
        return int(raw)
    return None


def period_covered(kind: str, due: date) -> Period:
    """The period the disclosure due on ``due`` reports: the half or quarter just ended.

    1-20 of year Y covers the 2nd half (party) or the 4th quarter (government, village)
    of Y-1; 7-20 covers the 1st half or the 2nd quarter of Y.
    """
    if due not in disclosure_due_dates(kind, due.year):
        raise ValueError(f"{due} is not a due date of {kind!r}")
    end = due.replace(day=1) - timedelta(days=1)  # last day of the month before
    if CADENCE[kind] == HALF_YEARLY_MONTHS:
        start = date(end.year, end.month - 5, 1)
        code = f"{end.year:04d}-H{1 if end.month == 6 else 2}"
    else:
        start = date(end.year, end.month - 2, 1)
        code = f"{end.year:04d}-Q{end.month // 3}"
    return Period(code=code, start=start, end=end)


def schedule_for_year(kind: str, year: int) -> list[tuple[date, Period]]:
    """Due dates in ``year`` with the period each covers, for any scheduled kind."""
    cadence = SCHEDULED_KINDS.get(kind)
    if cadence is None:
        raise ValueError(f"{kind!r} has no fixed schedule")
    return [(d, period_covered(cadence, d)) for d in disclosure_due_dates(cadence, year)]


def disclosure_overdue(*, published: bool, due_on: date, today: date) -> bool:
    """Not yet published and past its due date; the due day itself is still in time."""
    return not published and due_on < today


def reminder_due(*, due_on: date, today: date, days_before: int) -> bool:
    """A reminder goes out from ``days_before`` days ahead of the due date until it passes."""
    return today <= due_on <= today + timedelta(days=days_before)


# --- Notice input ------------------------------------------------------------------------

TITLE_MAX = 200
BODY_MAX = 20_000
ISSUER_MAX = 100
# A 公示 hangs for days or weeks; a year's posting is already a mistake worth refusing.
PERIOD_MAX_DAYS = 366


def validate_notice(
    *, title: str, body: str, issuer: str, starts_on: date | None, ends_on: date | None,
    kind: str, kinds: set[str] | frozenset[str],
) -> list[str]:
    """Messages for everything wrong with a notice; empty when it may be posted."""
    errors: list[str] = []
    if not (title or "").strip():
        errors.append(_("Give the notice a title."))
    elif len(title.strip()) > TITLE_MAX:
        errors.append(_("The title may have at most %(n)d characters.") % {"n": TITLE_MAX})
    if not (body or "").strip():
        errors.append(_("Write the text of the notice."))
    elif len(body) > BODY_MAX:
        errors.append(_("The text may have at most %(n)d characters.") % {"n": BODY_MAX})
    if not (issuer or "").strip():
        errors.append(_("Name the issuing body."))
    elif len(issuer.strip()) > ISSUER_MAX:
        errors.append(_("The issuing body may have at most %(n)d characters.")
                      % {"n": ISSUER_MAX})
    if kind not in kinds:
        errors.append(_("Choose the kind of notice from the list."))
    if starts_on is None or ends_on is None:
        errors.append(_("A notice needs a posting period: give the first and the last day."))
    elif ends_on < starts_on:
        errors.append(_("The posting period ends (%(end)s) before it starts (%(start)s).")
                      % {"end": ends_on.isoformat(), "start": starts_on.isoformat()})
    elif (ends_on - starts_on).days >= PERIOD_MAX_DAYS:
        errors.append(_("A posting period may last at most %(n)d days.") % {"n": PERIOD_MAX_DAYS})
    return errors


# --- Attachments -------------------------------------------------------------------------

ATTACHMENT_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
}


def sniff_attachment(head: bytes) -> str | None:
    """The content type the file's first bytes declare, if it is one we accept."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


# --- Masking on public pages -------------------------------------------------------------

# Matching runs on a copy of the text with full-width forms (１３８, Ｘ, ＋, －, the
# ideographic space) and other dashes folded to ASCII, one character for one, so a match's
# position is also its position in the original; only the number itself is replaced.
_FOLD = str.maketrans({
    **{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)},  # ！…～ → !…~
    "\u3000": " ", "\u00a0": " ", "\u2007": " ", "\u202f": " ",
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63", "-"),
})
# Between groups of digits: a space or two, or a dash with a space either side or none.
_SEP = r"(?:\x20?-\x20?|\x20{1,2})?"
_NOT_GLUED_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_GLUED_AFTER = r"(?![0-9A-Za-z])"
# A mainland mobile number: 11 digits starting 13–19, written 13812345678, 138 1234 5678
# or 138-1234-5678, perhaps after the country code (+86, 0086, or 86 and a space or dash).
_MOBILE = re.compile(
    _NOT_GLUED_BEFORE
    + r"(?P<keep>(?:\+|00)86" + _SEP + r"|86(?:\x20{1,2}|\x20?-\x20?))?"
    + r"(?P<number>1[3-9][0-9]" + _SEP + r"[0-9]{4}" + _SEP + r"[0-9]{4})"
    + _NOT_GLUED_AFTER
)
# An ID number: 18 characters (the last may be X), grouped 6-4-4-4, 6-8-4 or not at all;
# or the old 15 digits (region, YYMMDD, sequence), grouped 6-6-3 or not at all. The old
# number must hold a real month and day, so a 15-digit order number is left alone.
_ID_NUMBER = re.compile(
    _NOT_GLUED_BEFORE + r"(?P<keep>)(?P<number>"
    + r"[0-9]{6}" + _SEP + r"[0-9]{4}" + _SEP + r"[0-9]{4}" + _SEP + r"[0-9]{3}[0-9Xx]"
    + r"|[0-9]{6}" + _SEP + r"[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])" + _SEP
    + r"[0-9]{3})"
    + _NOT_GLUED_AFTER
)
_SEPARATORS = re.compile(r"[ -]")


def _mask_matches(text: str, pattern: re.Pattern[str], mask: Callable[[str], str]) -> str:
    """``text`` with each number ``pattern`` finds (in the folded copy) masked in place."""
    out: list[str] = []
    last = 0
    for m in pattern.finditer(text.translate(_FOLD)):
        out.append(text[last:m.start("number")])  # the country code stays as it was written
        out.append(mask(_SEPARATORS.sub("", m.group("number"))))
        last = m.end()
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def mask_personal_numbers(text: str) -> str:
    """Mask mobile and ID numbers a notice's author left in: 138****1234, 110101********1234.

    Every usual spelling is found: with the country code, with spaces or dashes inside, in
    full-width digits, the old 15-digit ID. The rest of the text is returned unchanged;
    dates, amounts, landlines and short codes are not personal numbers and stay.
    """
    if not text:
        return ""
    text = _mask_matches(text, _ID_NUMBER, mask_id_number)
    return _mask_matches(text, _MOBILE, mask_phone)
