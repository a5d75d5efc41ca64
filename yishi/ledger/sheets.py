"""The ledger's record kinds as tables: one column list and one row source per kind.

The page, the XLSX workbook and the PDF all read these, so the three never disagree. The
``zh`` headers are the filing format (the XLSX and PDF headers, fixed in Chinese as staff
file them); ``label`` is the page's header, translated like the rest of the interface.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from yishi.consult import rules as consult_rules
from yishi.consult.models import TopicKind, TopicSource
from yishi.core.clauses import in_words
from yishi.core.taxonomy import Category
from yishi.intake.rules import OPINION_STATES
from yishi.places.models import Place

from . import cadence, cadence_records, followup_records, rules, selectors

Value = str | int | float | date | datetime | None


@dataclass(frozen=True)
class Column:
    zh: str
    label: Any
    width: int = 12  # characters, for the XLSX column
    kind: str = "text"  # text | int | date | datetime


@dataclass
class Sheet:
    """One kind of record: where its records come from and how each becomes a row.

    The two are apart so that the page can count every record and build only the rows it
    shows; the exports build them all (``rows``).
    """

    key: str
    zh: str
    label: Any
    columns: list[Column]
    records: Callable[[], Iterable[Any]]
    build: Callable[[Iterable[Any]], Iterator[tuple[Value, ...]]]
    count: int | None = None

    def rows(self) -> Iterator[tuple[Value, ...]]:
        return self.build(self.records())


def _label(mapping: dict[str, Any], value: str) -> str:
    return str(mapping.get(value, value)) if value else ""


CATEGORIES = dict(Category.choices)
SOURCES = dict(TopicSource.choices)
KINDS = dict(TopicKind.choices)
SCREENING = {"accept": _("Accept"), "merge": _("Merge into another topic"),
             "refer": _("Refer elsewhere"), "reject": _("Reject")}
OUTCOME_KINDS = {"consensus": _("Consensus"), "assembly": _("Assembly decision")}


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return str(_("Yes")) if value else str(_("No"))


# --- 汇总: one row per community --------------------------------------------------------

SUMMARY_COLUMNS = [
    Column("街道（乡镇）", _("Street / township"), 16),
    Column("村（社区）", _("Community"), 18),
    Column("协商次数", _("Consultations held"), 10, "int"),
    Column("最低次数", _("Minimum"), 10, "int"),
    Column("是否达标", _("Minimum met"), 10),
    Column("尚差次数", _("Still needed"), 10, "int"),
    Column("新增议题", _("Topics raised"), 10, "int"),
    Column("登记民情", _("Opinions registered"), 10, "int"),
    Column("逾期未答复民情", _("Opinions overdue"), 14, "int"),
    Column("逾期委托答复", _("Entrusted answers overdue"), 14, "int"),
    Column("逾期落实任务", _("Tasks overdue"), 14, "int"),
    Column("未按期召开会议", _("Calendar meetings missed"), 14, "int"),
]


def summary_rows(rows: Iterable[selectors.Row]) -> Iterator[tuple[Value, ...]]:
    for r in rows:
        yield (
            r.place.parent.name if r.place.parent else "", r.place.name, r.consultations,
            r.minimum, _yes_no(r.minimum_met), rules.shortfall(r.consultations, r.minimum),
            r.topics, r.opinions, r.overdue_opinions, r.overdue_answers, r.overdue_tasks,
            r.cadences_missed,
        )


# --- 会议日历: the calendar's cadences, a row per period -------------------------------------

CADENCE_COLUMNS = [
    Column("村（社区）", _("Community"), 16),
    Column("会议", _("Meeting"), 22),
    Column("期间", _("Period"), 12),
    Column("截止日期", _("Due by"), 12, "date"),
    Column("最少次数", _("At least"), 10, "int"),
    Column("已召开次数", _("Meetings held"), 10, "int"),
    Column("状态", _("State"), 12),
    Column("依据", _("Under"), 36),
]


def cadence_rows(periods: Iterable[cadence_records.LedgerPeriod]) -> Iterator[tuple[Value, ...]]:
    for r in periods:
        yield (
            r.community, str(r.meeting.label), str(r.period.label), r.period.due,
            r.period.minimum, r.period.held, _label(cadence.STATES, r.period.state),
            in_words(r.meeting.clause),
        )


# --- 议题 -----------------------------------------------------------------------------------

TOPIC_COLUMNS = [
    Column("议题编号", _("Topic no."), 10, "int"),
    Column("村（社区）", _("Community"), 16),
    Column("议题", _("Topic"), 30),
    Column("类别", _("Category"), 14),
    Column("来源", _("Source"), 14),
    Column("事项性质", _("Kind"), 10),
    Column("委托单位", _("Entrusted by"), 16),
    Column("提出时间", _("Raised on"), 12, "date"),
    Column("筛选决定", _("Screening"), 10),
    Column("当前状态", _("State"), 18),
    Column("本年协商次数", _("Consultations this year"), 12, "int"),
    Column("协商成果", _("Outcome"), 12),
]


TOPIC_FIELDS = ("pk", "community__name", "title", "category", "source", "kind", "entrusted_by",
                "created_at", "screening_decision", "state", "held", "outcome__kind")


def topic_rows(topics: Iterable[dict[str, Any]]) -> Iterator[tuple[Value, ...]]:
    """From ``ledger_topics(...).values(*TOPIC_FIELDS)``: plain rows, no model instances."""
    for t in topics:
        created = selectors.local(t["created_at"])
        yield (
            t["pk"], t["community__name"], t["title"], _label(CATEGORIES, t["category"]),
            _label(SOURCES, t["source"]), _label(KINDS, t["kind"]), t["entrusted_by"],
            created.date() if created else None, _label(SCREENING, t["screening_decision"]),
            _label(consult_rules.TOPIC_STATES, t["state"]), t["held"] or 0,
            _label(OUTCOME_KINDS, t["outcome__kind"] or ""),
        )


# --- 会议 -----------------------------------------------------------------------------------

MEETING_COLUMNS = [
    Column("村（社区）", _("Community"), 16),
    Column("议题编号", _("Topic no."), 10, "int"),
    Column("议题", _("Topic"), 28),
    Column("第几次协商", _("Consultation no."), 10, "int"),
    Column("协商形式", _("Form"), 16),
    Column("召开时间", _("Held at"), 17, "datetime"),
    Column("地点", _("Place"), 18),
    Column("委员人数", _("Committee members"), 10, "int"),
    Column("到会委员", _("Members present"), 10, "int"),
    Column("赞成", _("For"), 8, "int"),
    Column("反对", _("Against"), 8, "int"),
    Column("弃权", _("Abstain"), 8, "int"),
    Column("协商结果", _("Result"), 20),
    Column("是否已召开", _("Held"), 10),
]


MEETING_FIELDS = ("topic__community__name", "topic_id", "topic__title", "number", "plan__form",
                  "opened_at", "starts_at", "location", "members", "members_present",
                  "vote__yes", "vote__no", "vote__abstain", "result")


def meeting_rows(meetings: Iterable[dict[str, Any]]) -> Iterator[tuple[Value, ...]]:
    """From ``ledger_meetings(...).values(*MEETING_FIELDS)``; a meeting without a vote has
    empty vote cells."""
    for m in meetings:
        yield (
            m["topic__community__name"], m["topic_id"], m["topic__title"], m["number"],
            _label(consult_rules.FORMS, m["plan__form"]),
            selectors.local(m["opened_at"] or m["starts_at"]), m["location"], m["members"],
            m["members_present"], m["vote__yes"], m["vote__no"], m["vote__abstain"],
            _label(consult_rules.MEETING_RESULTS, m["result"]), _yes_no(m["opened_at"] is not None),
        )


# --- 成果 -----------------------------------------------------------------------------------

OUTCOME_COLUMNS = [
    Column("村（社区）", _("Community"), 16),
    Column("议题编号", _("Topic no."), 10, "int"),
    Column("议题", _("Topic"), 28),
    Column("成果形式", _("Outcome"), 12),
    Column("共识纪要或会议决定", _("Memo or decision"), 40),
    Column("表决会议", _("Decided by"), 18),
    Column("备案时间", _("Filed at"), 17, "datetime"),
    Column("公示开始", _("Notice from"), 12, "date"),
    Column("公示结束", _("Notice until"), 12, "date"),
]


OUTCOME_FIELDS = ("topic__community__name", "topic_id", "topic__title", "kind", "memo",
                  "assembly", "assembly_decision", "meeting__number", "filed_at",
                  "published_from", "published_until")


def outcome_rows(outcomes: Iterable[dict[str, Any]]) -> Iterator[tuple[Value, ...]]:
    """From ``ledger_outcomes(...).values(*OUTCOME_FIELDS)``."""
    for o in outcomes:
        if o["kind"] == "assembly":
            text = o["assembly_decision"]
            by = _label(consult_rules.ASSEMBLIES, o["assembly"])
        else:
            text = o["memo"]
            number = o["meeting__number"]
            by = str(_("Consultation no. %(n)s") % {"n": number}) if number is not None else ""
        yield (
            o["topic__community__name"], o["topic_id"], o["topic__title"],
            _label(OUTCOME_KINDS, o["kind"]), text[:500], by, selectors.local(o["filed_at"]),
            o["published_from"], o["published_until"],
        )


# --- 逾期民情 -------------------------------------------------------------------------------

OVERDUE_COLUMNS = [
    Column("村（社区）", _("Community"), 16),
    Column("民情编号", _("Tracking number"), 18),
    Column("标题", _("Title"), 28),
    Column("类别", _("Category"), 14),
    Column("登记时间", _("Registered at"), 17, "datetime"),
    Column("答复期限", _("Answer due"), 12, "date"),
    Column("逾期天数", _("Days overdue"), 10, "int"),
    Column("状态", _("State"), 14),
]


OVERDUE_FIELDS = ("community__name", "number", "title", "category", "submitted_at",
                  "due_date", "state")


def overdue_rows(opinions: Iterable[dict[str, Any]], today: date) -> Iterator[tuple[Value, ...]]:
    """From ``overdue_opinions(...).values(*OVERDUE_FIELDS)``."""
    for o in opinions:
        yield (
            o["community__name"], o["number"], o["title"], _label(CATEGORIES, o["category"]),
            selectors.local(o["submitted_at"]), o["due_date"],
            selectors.overdue_days(o["due_date"], today), _label(OPINION_STATES, o["state"]),
        )


# --- The ledger --------------------------------------------------------------------------


def _iter(qs: Any) -> Iterable[Any]:
    return qs.iterator(chunk_size=2000)


def ledger_sheets(place: Place, p: selectors.Period, *, summary: list[selectors.Row] | None = None,
                  stream: bool = False) -> list[Sheet]:
    """The sheets of the ledger of every community under ``place`` for the year.

    ``stream`` reads big querysets in chunks (exports); pages read them whole.
    """
    read = _iter if stream else list
    rows = summary if summary is not None else selectors.row_figures(
        place, p, rows="community")
    found = cadence_records.communities(place, p)
    cadence_records.fill(rows, None, place, p, "community", found=found)
    periods = cadence_records.ledger_periods(found)
    sheets = [
        Sheet("summary", "汇总", _("Summary"), SUMMARY_COLUMNS, lambda: rows, summary_rows,
              len(rows)),
        Sheet("topics", "议题", _("Topics"), TOPIC_COLUMNS,
              lambda: read(selectors.ledger_topics(place, p).values(*TOPIC_FIELDS)), topic_rows),
        Sheet("meetings", "协商会议", _("Meetings"), MEETING_COLUMNS,
              lambda: read(selectors.ledger_meetings(place, p).values(*MEETING_FIELDS)),
              meeting_rows),
        Sheet("outcomes", "协商成果", _("Outcomes"), OUTCOME_COLUMNS,
              lambda: read(selectors.ledger_outcomes(place, p).values(*OUTCOME_FIELDS)),
              outcome_rows),
    ]
    sheets += followup_records.sheets(place, p, read)
    sheets.append(
        Sheet("cadences", "会议日历", _("Meetings on the calendar"), CADENCE_COLUMNS,
              lambda: periods, cadence_rows, len(periods)))
    sheets.append(
        Sheet("overdue_opinions", "逾期民情", _("Overdue opinions"), OVERDUE_COLUMNS,
              lambda: read(selectors.overdue_opinions(place, p).values(*OVERDUE_FIELDS)),
              lambda records: overdue_rows(records, p.today)),
    )
    return sheets
