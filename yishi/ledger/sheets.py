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
from yishi.consult.models import Meeting, Outcome, Topic, TopicKind, TopicSource
from yishi.core.taxonomy import Category
from yishi.intake.models import Opinion
from yishi.intake.rules import OPINION_STATES
from yishi.places.models import Place

from . import followup_records, rules, selectors

Value = str | int | float | date | datetime | None


@dataclass(frozen=True)
class Column:
    zh: str
    label: Any
    width: int = 12  # characters, for the XLSX column
    kind: str = "text"  # text | int | date | datetime


@dataclass
class Sheet:
    key: str
    zh: str
    label: Any
    columns: list[Column]
    rows: Callable[[], Iterable[tuple[Value, ...]]]
    count: int | None = None


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
    Column("街道(乡镇)", _("Street / township"), 16),
    Column("村(社区)", _("Community"), 18),
    Column("协商次数", _("Consultations held"), 10, "int"),
    Column("最低次数", _("Minimum"), 10, "int"),
    Column("是否达标", _("Minimum met"), 10),
    Column("尚差次数", _("Still needed"), 10, "int"),
    Column("新增议题", _("Topics raised"), 10, "int"),
    Column("登记民情", _("Opinions registered"), 10, "int"),
    Column("逾期未答复民情", _("Opinions overdue"), 14, "int"),
    Column("逾期委托答复", _("Entrusted answers overdue"), 14, "int"),
    Column("逾期落实任务", _("Tasks overdue"), 14, "int"),
]


def summary_rows(rows: list[selectors.Row]) -> Iterator[tuple[Value, ...]]:
    for r in rows:
        yield (
            r.place.parent.name if r.place.parent else "", r.place.name, r.consultations,
            r.minimum, _yes_no(r.minimum_met), rules.shortfall(r.consultations, r.minimum),
            r.topics, r.opinions, r.overdue_opinions, r.overdue_answers, r.overdue_tasks,
        )


# --- 议题 -----------------------------------------------------------------------------------

TOPIC_COLUMNS = [
    Column("议题编号", _("Topic no."), 10, "int"),
    Column("村(社区)", _("Community"), 16),
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


def topic_rows(topics: Iterable[Topic]) -> Iterator[tuple[Value, ...]]:
    for t in topics:
        outcome = getattr(t, "outcome", None)
        created = selectors.local(t.created_at)
        yield (
            t.pk, t.community.name, t.title, _label(CATEGORIES, t.category),
            _label(SOURCES, t.source), _label(KINDS, t.kind), t.entrusted_by,
            created.date() if created else None, _label(SCREENING, t.screening_decision),
            _label(consult_rules.TOPIC_STATES, t.state), getattr(t, "held", 0),
            _label(OUTCOME_KINDS, outcome.kind) if outcome else "",
        )


# --- 会议 -----------------------------------------------------------------------------------

MEETING_COLUMNS = [
    Column("村(社区)", _("Community"), 16),
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


def meeting_rows(meetings: Iterable[Meeting]) -> Iterator[tuple[Value, ...]]:
    for m in meetings:
        vote = getattr(m, "vote", None)
        yield (
            m.topic.community.name, m.topic_id, m.topic.title, m.number,
            _label(consult_rules.FORMS, m.plan.form),
            selectors.local(m.opened_at or m.starts_at), m.location, m.members,
            m.members_present, vote.yes if vote else None, vote.no if vote else None,
            vote.abstain if vote else None, _label(consult_rules.MEETING_RESULTS, m.result),
            _yes_no(m.opened_at is not None),
        )


# --- 成果 -----------------------------------------------------------------------------------

OUTCOME_COLUMNS = [
    Column("村(社区)", _("Community"), 16),
    Column("议题编号", _("Topic no."), 10, "int"),
    Column("议题", _("Topic"), 28),
    Column("成果形式", _("Outcome"), 12),
    Column("共识纪要或会议决定", _("Memo or decision"), 40),
    Column("表决会议", _("Decided by"), 18),
    Column("备案时间", _("Filed at"), 17, "datetime"),
    Column("公示开始", _("Notice from"), 12, "date"),
    Column("公示结束", _("Notice until"), 12, "date"),
]


def outcome_rows(outcomes: Iterable[Outcome]) -> Iterator[tuple[Value, ...]]:
    for o in outcomes:
        if o.kind == "assembly":
            text = o.assembly_decision
            by = _label(consult_rules.ASSEMBLIES, o.assembly)
        else:
            text = o.memo
            by = str(_("Consultation no. %(n)s") % {"n": o.meeting.number}) if o.meeting else ""
        yield (
            o.topic.community.name, o.topic_id, o.topic.title, _label(OUTCOME_KINDS, o.kind),
            text[:500], by, selectors.local(o.filed_at), o.published_from, o.published_until,
        )


# --- 逾期民情 -------------------------------------------------------------------------------

OVERDUE_COLUMNS = [
    Column("村(社区)", _("Community"), 16),
    Column("民情编号", _("Tracking number"), 18),
    Column("标题", _("Title"), 28),
    Column("类别", _("Category"), 14),
    Column("登记时间", _("Registered at"), 17, "datetime"),
    Column("答复期限", _("Answer due"), 12, "date"),
    Column("逾期天数", _("Days overdue"), 10, "int"),
    Column("状态", _("State"), 14),
]


def overdue_rows(opinions: Iterable[Opinion], today: date) -> Iterator[tuple[Value, ...]]:
    for o in opinions:
        yield (
            o.community.name, o.number, o.title, _label(CATEGORIES, o.category),
            selectors.local(o.submitted_at), o.due_date, selectors.overdue_days(o.due_date, today),
            _label(OPINION_STATES, o.state),
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
    sheets = [
        Sheet("summary", "汇总", _("Summary"), SUMMARY_COLUMNS, lambda: summary_rows(rows),
              len(rows)),
        Sheet("topics", "议题", _("Topics"), TOPIC_COLUMNS,
              lambda: topic_rows(read(selectors.ledger_topics(place, p)))),
        Sheet("meetings", "协商会议", _("Meetings"), MEETING_COLUMNS,
              lambda: meeting_rows(read(selectors.ledger_meetings(place, p)))),
        Sheet("outcomes", "协商成果", _("Outcomes"), OUTCOME_COLUMNS,
              lambda: outcome_rows(read(selectors.ledger_outcomes(place, p)))),
    ]
    sheets += followup_records.sheets(place, p, read)
    sheets.append(
        Sheet("overdue_opinions", "逾期民情", _("Overdue opinions"), OVERDUE_COLUMNS,
              lambda: overdue_rows(read(selectors.overdue_opinions(place, p)), p.today)),
    )
    return sheets
