"""The community ledger page: each table counted whole, its first rows shown, and the
XLSX and PDF still holding every row."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from yishi.ledger import views

from .conftest import YEAR, client_for

pytestmark = pytest.mark.django_db


def _table(page: Any, key: str) -> dict[str, Any]:
    return next(t for t in page.context["tables"] if t["sheet"].key == key)


def test_the_page_shows_every_record_of_a_short_table_with_its_cells_escaped(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any]) -> None:
    page = client_for("city_official").get(f"/ledger/communities/{city['a'].pk}/{YEAR}/")
    assert page.status_code == 200
    topics = _table(page, "topics")
    assert topics["count"] == 6 and len(topics["rows"]) == 6 and topics["more"] == 0
    html = page.content.decode()
    assert f"<td>{records['t2'].pk}</td><td>幸福社区</td><td>停车位划线</td>" in html
    assert 'data-testid="more-rows"' not in html


def test_a_long_table_shows_its_first_rows_and_points_to_the_files_that_hold_them_all(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "LEDGER_PAGE_ROWS", 2)
    c = client_for("city_official")
    page = c.get(f"/ledger/communities/{city['a'].pk}/{YEAR}/")
    topics = _table(page, "topics")
    assert (topics["count"], len(topics["rows"]), topics["more"]) == (6, 2, 4)
    html = page.content.decode()
    assert "（6）" in html and 'data-testid="more-rows"' in html
    assert html.count("<td>幸福社区</td><td>") <= 2 * len(page.context["tables"])

    xlsx = c.get(f"/ledger/communities/{city['a'].pk}/{YEAR}/ledger.xlsx")
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb["议题"].max_row == 1 + 6  # the header and every topic


def test_a_title_with_markup_is_shown_as_text(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any]) -> None:
    t = records["t1"]
    t.title = "<b>加装电梯</b>"
    t.save(update_fields=["title"])
    html = client_for("city_official").get(
        f"/ledger/communities/{city['a'].pk}/{YEAR}/").content.decode()
    assert "&lt;b&gt;加装电梯&lt;/b&gt;" in html and "<b>加装电梯</b>" not in html
