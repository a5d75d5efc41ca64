"""Disclosure rules as pure functions: the 三务公开 cadence, notice input, masking, files.

No ORM and no request here; services and views call these.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
        if part.startswith("M"):
            return _("%(month)d/%(year)d") % {"month": int(part[1:]), "year": int(year)}
        return _("Q%(quarter)s %(year)d") % {"quarter": part[1:], "year": int(year)}


_PERIOD_CODE = re.compile(r"([0-9]{4})-(H[12]|Q[1-4]|M(?:0[1-9]|1[0-2]))")


def period_from_code(code: str) -> Period | None:
    """The period a code such as ``"2025-Q4"`` names, or None for anything else."""
    m = _PERIOD_CODE.fullmatch(code or "")
    if m is None:
        return None
    year, part = int(m.group(1)), m.group(2)
    months = {"H": 6, "Q": 3, "M": 1}[part[0]]
    first_month = (int(part[1:]) - 1) * months + 1
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


def schedule_for_year(kind: str, year: int, *,
                      finance_cadence: str = "quarterly") -> list[tuple[date, Period]]:
    """Due dates in ``year`` with the period each covers, for any scheduled kind.

    Finances follow village affairs' quarter, or go monthly where the community says so
    (``finance_cadence="monthly"``): by the 20th, the month before.
    """
    cadence = SCHEDULED_KINDS.get(kind)
    if cadence is None:
        raise ValueError(f"{kind!r} has no fixed schedule")
    if kind == "finance" and finance_cadence == FINANCE_MONTHLY:
        return [(d, month_covered(d)) for d in monthly_due_dates(year)]
    return [(d, period_covered(cadence, d)) for d in disclosure_due_dates(cadence, year)]


# 财务公开: at least quarterly (004 第一篇 四.4, 004 第三篇 每季度更新); a community may
# disclose its finances every month instead, never less often than every quarter.
FINANCE_QUARTERLY = "quarterly"
FINANCE_MONTHLY = "monthly"
FINANCE_CADENCES = (FINANCE_QUARTERLY, FINANCE_MONTHLY)


def check_finance_cadence(cadence: str) -> str | None:
    """Why ``cadence`` may not be a community's finance cadence, or None when it may."""
    if cadence in FINANCE_CADENCES:
        return None
    return _("Finances are disclosed every quarter or every month, never less often.")


def monthly_due_dates(year: int) -> list[date]:
    """The 20th of each month of ``year``, the day a monthly disclosure is due."""
    return [date(year, m, DUE_DAY) for m in range(1, 13)]


def month_covered(due: date) -> Period:
    """The month a monthly disclosure due on ``due`` reports: the month before."""
    if due.day != DUE_DAY:
        raise ValueError(f"{due} is not a monthly due date")
    end = due.replace(day=1) - timedelta(days=1)
    return Period(code=f"{end.year:04d}-M{end.month:02d}", start=end.replace(day=1), end=end)


def disclosure_overdue(*, published: bool, due_on: date, today: date) -> bool:
    """Not yet published and past its due date; the due day itself is still in time."""
    return not published and due_on < today


def reminder_due(*, due_on: date, today: date, days_before: int) -> bool:
    """A reminder goes out from ``days_before`` days ahead of the due date until it passes."""
    return today <= due_on <= today + timedelta(days=days_before)


# --- Required contents and the supervisory review (004 第一篇 四.4) ------------------------

@dataclass(frozen=True)
class ContentLine:
    """One thing a disclosure of its kind must cover: ticked as written in the notice's
    text, or attached as a file."""

    code: str
    label: Any  # a lazy translation: read in the reader's language


def _lines(*pairs: tuple[str, Any]) -> tuple[ContentLine, ...]:
    return tuple(ContentLine(code, label) for code, label in pairs)


# 村级党务公开主要内容 (004 第一篇 四.4).
PARTY_CONTENTS = _lines(
    ("decisions", gettext_lazy("Decisions on major matters affecting people's vital "
                               "interests")),  # 涉及群众切身利益重大事项决策情况
    ("plan", gettext_lazy("The year's work plan and last year's targets met")),
    ("evaluation", gettext_lazy("Last year's democratic evaluation of party members")),
    ("dues", gettext_lazy("Party dues collected")),  # 党费收缴情况
    ("members", gettext_lazy("Members admitted, rewarded and disciplined")),  # 党员发展及奖惩
    ("fund", gettext_lazy("The members' assistance fund paid out and used")),
    ("hardship", gettext_lazy("Help and relief for members in hardship")),  # 困难党员帮扶
)
# 乡镇政务公开的主要内容, reposted on the community's board (004 第一篇 四.4).
GOVERNMENT_CONTENTS = _lines(
    ("leaders", gettext_lazy("The township leaders' names, posts and duties")),
    ("targets", gettext_lazy("Major development matters, the government's targets, the "
                             "budget and their execution")),
    ("finances", gettext_lazy("Township finances and the offices' own income and "
                              "expenditure")),
    ("procurement", gettext_lazy("Government procurement, major projects and their "
                                 "tendering")),  # 政府采购和重要工程项目及招投标
    ("enterprises", gettext_lazy("Township enterprises contracted, leased or auctioned")),
    ("land", gettext_lazy("Land requisition, demolition, homestead approvals and "
                          "conscription")),  # 土地征用、房屋拆迁、宅基地审批、征兵
    ("welfare", gettext_lazy("Family planning, relief, subsistence allowances, the five "
                             "guarantees and medical assistance")),  # 低保、五保、医疗救助
    ("projects", gettext_lazy("Practical projects for the people and their execution")),
    ("personnel", gettext_lazy("Appointments, staff assessments, rewards and pay "
                               "adjustments")),  # 人事任免、考核、奖惩、工资调整
    ("fees", gettext_lazy("Fee and fine standards and what was collected")),  # 收费罚款
)
# 村务公开的主要内容 (004 第一篇 四.4). Its money lines (财务计划及执行、各项收支、财产债权
# 债务、集体资产资源的承包租赁) are the finance item's, disclosed with it each quarter.
VILLAGE_CONTENTS = _lines(
    ("public_works", gettext_lazy("Public-welfare works built")),  # 村公益事业建设情况
    ("land", gettext_lazy("Land compensation and its distribution, land transfers and "
                          "homestead applications")),  # 征地补偿安置费用分配、土地流转、宅基地
    ("construction_funds", gettext_lazy("Use of the new-countryside construction funds")),
    ("one_matter", gettext_lazy("One-matter-one-discussion fundraising and labour, and the "
                                "farm subsidies received")),  # 一事一议筹资筹劳、惠农补贴到位
    ("relief", gettext_lazy("Subsistence allowances, five-guarantee support and relief "
                            "distributed")),  # 低保发放、五保户供养、救灾救济扶贫款物
)
VILLAGE_FINANCE_CONTENTS = _lines(
    ("financial_plan", gettext_lazy("The year's financial plan and its execution")),
    ("income_expense", gettext_lazy("Every item of income and expenditure")),  # 各项收支情况
    ("assets_debts", gettext_lazy("Property, claims and debts, and the distribution of "
                                  "income")),  # 各项财产、债权债务和收益分配
    ("collective_assets", gettext_lazy("Collective assets and resources let, contracted, "
                                       "sold or transferred, and their fees")),
)
# 社区居务公开 (004 第五篇, 社区居委会规范化建设 (5)): updated every quarter.
COMMUNITY_CONTENTS = _lines(
    ("long_term_plan", gettext_lazy("The community's long-term plan and work targets")),
    ("work_done", gettext_lazy("What the residents' committee's work has achieved")),
    ("major_matters", gettext_lazy("How major problems were resolved")),  # 重大问题办理结果
    ("residents_interest", gettext_lazy("Other matters of the residents' interest")),
)
COMMUNITY_FINANCE_CONTENTS = VILLAGE_FINANCE_CONTENTS[:2]  # 财务状况: plan and accounts


def required_contents(kind: str, *, is_village: bool) -> tuple[ContentLine, ...]:
    """The lines a disclosure of ``kind`` must cover before it is published; none for
    phased and temporary work, whose contents are the work itself."""
    if kind == "party":
        return PARTY_CONTENTS
    if kind == "government":
        return GOVERNMENT_CONTENTS
    if kind == "village":
        return VILLAGE_CONTENTS if is_village else COMMUNITY_CONTENTS
    if kind == "finance":
        return VILLAGE_FINANCE_CONTENTS if is_village else COMMUNITY_FINANCE_CONTENTS
    return ()


def missing_contents(kind: str, *, is_village: bool,
                     covered: set[str] | frozenset[str]) -> list[ContentLine]:
    """The required lines not yet ticked or attached, in the checklist's order."""
    return [line for line in required_contents(kind, is_village=is_village)
            if line.code not in covered]


# What the supervisory committee's latest word on the contents is.
REVIEW_NONE, REVIEW_RETURNED, REVIEW_STALE, REVIEW_APPROVED = (
    "none", "returned", "stale", "approved")


def review_state(*, decision: str | None, reviewed_revision: int | None,
                 revision: int) -> str:
    """The latest review read against the contents now: an approval of an earlier
    revision is stale (the contents changed since)."""
    if decision is None:
        return REVIEW_NONE
    if decision != "approve":
        return REVIEW_RETURNED
    return REVIEW_APPROVED if reviewed_revision == revision else REVIEW_STALE


def publication_refusal(*, missing: list[ContentLine], review: str,
                        reason: str = "") -> tuple[str, str] | None:
    """(rule, message) saying why the disclosure may not be published yet, or None."""
    if missing:
        return "contents", (_("Tick or attach every required content before publishing; "
                              "still missing: %(lines)s.")
                            % {"lines": "、".join(str(line.label) for line in missing)})
    if review == REVIEW_NONE:
        return "review", _("The supervisory committee has not reviewed this disclosure yet; "
                           "it is published once the committee agrees.")
    if review == REVIEW_RETURNED:
        return "review", (_("The supervisory committee returned this disclosure: "
                            "%(reason)s") % {"reason": reason})
    if review == REVIEW_STALE:
        return "review", _("The contents changed after the supervisory committee agreed; "
                           "it must review them again.")
    return None


REVIEW_REASON_MAX = 500


# --- 误工补贴 (000 (四)(3)) ---------------------------------------------------------------

PAYEE_MAX = 50
PURPOSE_MAX = 200
# A subsidy for the time spent organising a consultation: a few hundred yuan, not a salary.
SUBSIDY_MAX = Decimal("100000")


def validate_subsidy(*, payee: str, purpose: str, amount: Decimal | None,
                     paid_on: date | None, today: date) -> list[str]:
    """Messages for everything wrong with a subsidy payment; empty when it may be recorded."""
    errors: list[str] = []
    if not (payee or "").strip():
        errors.append(_("Name the person the subsidy was paid to."))
    elif len(payee.strip()) > PAYEE_MAX:
        errors.append(_("The name may have at most %(n)d characters.") % {"n": PAYEE_MAX})
    if not (purpose or "").strip():
        errors.append(_("Name the consultation the person organised."))
    elif len(purpose.strip()) > PURPOSE_MAX:
        errors.append(_("The consultation may be described in at most %(n)d characters.")
                      % {"n": PURPOSE_MAX})
    if amount is None or not amount.is_finite() or amount <= 0:
        errors.append(_("Give the amount paid, in yuan, more than zero."))
    elif amount > SUBSIDY_MAX or amount != amount.quantize(Decimal("0.01")):
        errors.append(_("Give the amount in yuan and fen, at most %(max)s yuan.")
                      % {"max": f"{SUBSIDY_MAX:,.0f}"})
    if paid_on is None:
        errors.append(_("Give the day it was paid."))
    elif paid_on > today:
        errors.append(_("The day it was paid cannot be in the future."))
    return errors


def subsidy_section(rows: list[tuple[str, str, Decimal, date]]) -> str:
    """The lines a disclosure posts for the subsidies of its period: (payee, purpose,
    amount, paid on) each, and the total; "" for none."""
    if not rows:
        return ""
    lines = [_("Lost-work subsidies paid to those who organised consultations:")]
    lines += [_("%(payee)s, %(purpose)s: %(amount)s yuan (paid %(date)s)")
              % {"payee": payee, "purpose": purpose, "amount": f"{amount:.2f}",
                 "date": paid_on.isoformat()} for payee, purpose, amount, paid_on in rows]
    total = sum((amount for _p, _c, amount, _d in rows), Decimal("0"))
    lines.append(_("Total: %(amount)s yuan.") % {"amount": f"{total:.2f}"})
    return "\n".join(lines)


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
