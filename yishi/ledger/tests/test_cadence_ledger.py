"""Meetings on a calendar in the ledger and on the dashboards (issue 14, item 4): the XLSX
sheet, the page and the street's table and CSV say what the records say.

In 2025 (all past: every period is held or missed), with the records of ``conftest``:
幸福社区 (a town community) held deliberation councils in the first, second and fourth
quarters and a residents' meeting at the start of the year only; 桃园村 (a village) held
councils in the first three quarters and representatives' meetings in all but the third.
The assemblies of a kind the community is not asked for count for nothing.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.utils import translation
from openpyxl import load_workbook

from yishi.core.clauses import in_words
from yishi.ledger import cadence, exports, selectors
from yishi.ledger.models import LedgerSettings

from . import builders as b
from .conftest import YEAR, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def assemblies(city: dict[str, Any], records: dict[str, Any]) -> None:
    a, v = city["a"], city["b"]
    b.assembly(a, kind="residents", held_on=date(YEAR, 2, 15), title="年初居民会议")
    b.assembly(a, kind="residents", held_on=date(YEAR, 7, 15), title="年中居民会议")  # neither
    b.assembly(a, kind="representatives", held_on=date(YEAR, 8, 1), title="居民代表会议")
    for month in (3, 5, 11):
        b.assembly(v, kind="representatives", held_on=date(YEAR, month, 20),
                   title=f"{month}月村民代表会议")
    b.assembly(v, kind="residents", held_on=date(YEAR, 12, 1), title="不算数的会议")
    b.assembly(v, kind="representatives", held_on=date(YEAR + 1, 1, 5), title="次年的会议")


def _zh(text: Any) -> str:
    """As the files write it: in Chinese (a plain string is a msgid)."""
    with translation.override("zh-hans"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def _cadence_sheet(data: bytes) -> list[dict[str, Any]]:
    ws = load_workbook(io.BytesIO(data))["会议日历"]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_the_ledger_xlsx_has_every_period_with_its_state_and_clause(
        city: dict[str, Any], assemblies: None) -> None:
    rows = _cadence_sheet(exports.ledger_xlsx(city["b"], selectors.period(YEAR)))
    council, reps = _zh(cadence.CADENCES["council"].label), _zh(
        cadence.CADENCES["representatives"].label)
    held, missed = _zh(cadence.STATES["held"]), _zh(cadence.STATES["missed"])
    # A village: the council and the representatives' meeting, four quarters each.
    assert rows[0]["会议"] == "民主议事会" and rows[3]["状态"] == "未按期召开"
    assert [(r["会议"], r["期间"], r["截止日期"].date(), r["已召开次数"], r["状态"])
            for r in rows] == [
        (council, _zh("First quarter"), date(YEAR, 3, 31), 1, held),
        (council, _zh("Second quarter"), date(YEAR, 6, 30), 1, held),
        (council, _zh("Third quarter"), date(YEAR, 9, 30), 1, held),
        (council, _zh("Fourth quarter"), date(YEAR, 12, 31), 0, missed),
        (reps, _zh("First quarter"), date(YEAR, 3, 31), 1, held),
        (reps, _zh("Second quarter"), date(YEAR, 6, 30), 1, held),
        (reps, _zh("Third quarter"), date(YEAR, 9, 30), 0, missed),
        (reps, _zh("Fourth quarter"), date(YEAR, 12, 31), 1, held),
    ]
    assert {r["村（社区）"] for r in rows} == {"桃园村"}
    assert {r["最少次数"] for r in rows} == {1}
    assert rows[0]["依据"] == _zh(in_words(cadence.CLAUSE_COUNCIL))
    assert rows[4]["依据"] == _zh(in_words(cadence.CLAUSE_REPRESENTATIVES))


def test_the_town_community_is_asked_for_the_residents_meeting_not_the_representatives(
        city: dict[str, Any], assemblies: None) -> None:
    data = exports.ledger_xlsx(city["a"], selectors.period(YEAR))
    rows = _cadence_sheet(data)
    residents = _zh(cadence.CADENCES["residents"].label)
    assert [r["会议"] for r in rows].count(_zh(cadence.CADENCES["representatives"].label)) == 0
    assert [(r["期间"], r["已召开次数"], r["状态"]) for r in rows if r["会议"] == residents] == [
        (_zh("Start of the year"), 1, _zh(cadence.STATES["held"])),
        (_zh("End of the year"), 0, _zh(cadence.STATES["missed"])),
    ]
    # Its councils: the first, second (two meetings) and fourth quarters; the third missed.
    assert [r["已召开次数"] for r in rows if r["会议"] == _zh(
        cadence.CADENCES["council"].label)] == [1, 2, 0, 1]
    # The summary's one figure: periods missed, every cadence together.
    ws = load_workbook(io.BytesIO(data))["汇总"]
    table = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(table) if r[0] == "街道（乡镇）")
    summary = dict(zip(table[head], table[head + 1], strict=True))
    assert summary["未按期召开会议"] == 2


def test_a_community_asking_for_two_councils_a_quarter_misses_those_with_one(
        city: dict[str, Any], assemblies: None) -> None:
    LedgerSettings.objects.create(community=city["a"], min_councils=2)
    rows = _cadence_sheet(exports.ledger_xlsx(city["a"], selectors.period(YEAR)))
    council = [r for r in rows if r["会议"] == _zh(cadence.CADENCES["council"].label)]
    assert [(r["最少次数"], r["状态"]) for r in council] == [
        (2, _zh(cadence.STATES["missed"])), (2, _zh(cadence.STATES["held"])),
        (2, _zh(cadence.STATES["missed"])), (2, _zh(cadence.STATES["missed"]))]


def test_the_street_dashboard_shows_each_community_and_the_street_s_sum(
        city: dict[str, Any], assemblies: None, users: dict[str, Any]) -> None:
    r = client_for("township").get(f"/ledger/places/{city['street'].pk}/?year={YEAR}")
    assert r.status_code == 200
    d = r.context["d"]
    rows = {row.place.name: row for row in d.rows}

    def figures(row: selectors.Row) -> dict[str, tuple[int, int, int]]:
        return {k: (t.held, t.due, t.missed) for k, t in row.cadences.items()}

    assert figures(rows["幸福社区"]) == {"council": (3, 0, 1), "residents": (1, 0, 1)}
    assert figures(rows["桃园村"]) == {"council": (3, 0, 1), "representatives": (3, 0, 1)}
    assert figures(d.total) == {"council": (6, 0, 2), "residents": (1, 0, 1),
                                "representatives": (3, 0, 1)}
    assert d.total.cadences_missed == 4
    page = r.content.decode()
    assert 'data-testid="cadences-table"' in page
    assert _zh(cadence.CADENCES["residents"].label) in page


def test_the_district_dashboard_adds_the_communities_up_per_street(
        city: dict[str, Any], assemblies: None, users: dict[str, Any]) -> None:
    r = client_for("city_official").get(f"/ledger/places/{city['district'].pk}/?year={YEAR}")
    rows = {row.place.name: row for row in r.context["d"].rows}
    street = rows["和平街道"].cadences
    assert (street["council"].held, street["council"].missed,
            street["council"].communities) == (6, 2, 2)
    assert street["representatives"].communities == 1
    # 远方社区: one council in the second quarter, nothing else (a town community).
    far = rows["远方街道"].cadences
    assert (far["council"].held, far["council"].missed) == (1, 3)
    assert (far["residents"].held, far["residents"].missed) == (0, 2)
    assert "representatives" not in far


def test_the_dashboard_csv_has_the_cadence_figures(
        city: dict[str, Any], assemblies: None, users: dict[str, Any]) -> None:
    r = client_for("township").get(
        f"/ledger/places/{city['street'].pk}/dashboard.csv?year={YEAR}")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    head = rows[0]
    by_name = {row[0]: dict(zip(head, row, strict=True)) for row in rows[1:]}
    missed = _zh("Calendar meetings missed")
    assert by_name["幸福社区"][missed] == "2" and by_name["桃园村"][missed] == "2"

    def col(key: str, figure: str) -> str:
        label = _zh(cadence.CADENCES[key].label)
        return next(h for h in head if h.startswith(label) and h.endswith(figure))

    held = _zh("periods held")
    assert by_name["幸福社区"][col("council", held)] == "3"
    assert by_name["幸福社区"][col("representatives", held)] == ""  # not asked of a town
    assert by_name["桃园村"][col("representatives", held)] == "3"
    total = rows[-1]
    assert total[0] == _zh("Total")
    assert dict(zip(head, total, strict=True))[col("council", _zh("periods missed"))] == "2"


def test_the_ledger_page_shows_the_cards_and_the_sheet(
        city: dict[str, Any], assemblies: None, users: dict[str, Any]) -> None:
    r = client_for("staff_b").get(f"/ledger/communities/{city['b'].pk}/{YEAR}/")
    assert r.status_code == 200
    page = r.content.decode()
    assert 'data-cadence="council"' in page and 'data-cadence="representatives"' in page
    assert 'data-cadence="residents"' not in page
    assert 'data-sheet="cadences"' in page
    cards = dict((c.key, (t.held, t.missed)) for c, t in r.context["cadence_cards"])
    assert cards == {"council": (3, 1), "representatives": (3, 1)}
