"""The dashboard's charts: drawn on the server in the palette, said in a Chinese sentence
for screen readers and shown as a table beside them; no chart library on any page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation

from yishi.ledger import charts, selectors
from yishi.places.models import PlaceKind
from yishi.places.tests.factories import PlaceFactory

from .conftest import YEAR, client_for

pytestmark = pytest.mark.django_db


def _figure(body: str, key: str) -> str:
    found = re.search(rf'<figure class="chart" data-testid="chart-{key}">(.*?)</figure>', body, re.S)
    assert found, key
    return found.group(1)


def _svg(figure: str) -> str:
    found = re.search(r"<svg class=\"chart-[a-z]+\"(.*?)</svg>", figure, re.S)
    assert found
    return found.group(0)


def _rects(svg: str) -> dict[str, dict[str, str]]:
    """The chart's titled rectangles by their title: their attributes."""
    out = {}
    for attrs, title in re.findall(r"<rect ([^>]*)><title>([^<]*)</title></rect>", svg):
        out[title] = dict(re.findall(r'([a-z-]+)="([^"]*)"', attrs))
    return out


def _table(figure: str) -> list[list[str]]:
    table = re.search(r"<table[^>]*>(.*?)</table>", figure, re.S)
    assert table
    return [re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)]


def _summary(figure: str, key: str) -> str:
    found = re.search(rf'data-testid="chart-{key}-summary">([^<]*)<', figure)
    assert found, key
    return found.group(1)


def _scripts(body: str) -> list[str]:
    return re.findall(r'<script[^>]* src="([^"]+)"', body)


def test_the_street_page_draws_each_community_against_the_minimum(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any]) -> None:
    body = client_for("township").get(
        f"/ledger/places/{city['street'].pk}/?year={YEAR}").content.decode()
    figure = _figure(body, "consultations")
    svg = _svg(figure)
    # A picture to a screen reader, named by the title and the sentence above it.
    assert 'role="img" aria-labelledby="chart-consultations-caption"' in svg
    assert _summary(figure, "consultations") == (
        "2 个社区中，1 个达到了协商次数下限。未达到下限的：桃园村。协商次数最多的是幸福社区（4 次）。")
    # 幸福社区 held 4 of 4: the full length (318), blue; 桃园村 3 of 4: three quarters, red;
    # the minimum's mark at 4 on both.
    bars = _rects(svg)
    assert (float(bars["幸福社区：协商 4 次"]["width"]), bars["幸福社区：协商 4 次"]["fill"]) == (
        charts.BAR, charts.MET_COLOUR)
    assert (float(bars["桃园村：协商 3 次"]["width"]), bars["桃园村：协商 3 次"]["fill"]) == (
        charts.BAR * 3 / 4, charts.BELOW_COLOUR)
    assert re.findall(r'<line x1="([0-9.]+)"[^>]*stroke-width="2"/>', svg) == ["318.0", "318.0"]
    assert "4 / 4 次" in svg and "3 / 4 次" in svg
    # The same figures as a table, folded under the chart.
    assert '<details class="chart-table"><summary>以表格查看数据</summary>' in figure
    assert _table(figure) == [["社区", "协商次数", "最低次数", "是否达标"],
                              ["幸福社区", "4", "4", "是"], ["桃园村", "3", "4", "否"]]
    assert "<canvas" not in body and "chart-data" not in body


def test_the_dashboard_loads_no_chart_library_and_no_htmx(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any]) -> None:
    """A slow phone fetches only the scripts every page has, less htmx (52 KB), which the
    dashboard does not use: should an hx- attribute come to it, this fails."""
    body = client_for("township").get(
        f"/ledger/places/{city['street'].pk}/?year={YEAR}").content.decode()
    index = client_for("township").get("/ledger/").content.decode()
    htmx = [s for s in _scripts(index) if "/htmx-" in s]
    assert len(htmx) == 1
    assert _scripts(body) == [s for s in _scripts(index) if s not in htmx]
    assert not re.findall(r"\shx-(?!headers=)[a-z-]+=", body)


def test_the_months_chart_stacks_each_category_in_its_colour(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any]) -> None:
    body = client_for("township").get(
        f"/ledger/places/{city['street'].pk}/?year={YEAR}").content.decode()
    figure = _figure(body, "months")
    svg = _svg(figure)
    assert 'role="img" aria-labelledby="chart-months-caption"' in svg
    assert _summary(figure, "months") == (
        "2025 年共登记意见 5 条。三月最多（2 条）。最多的类别是物业管理（3 条）。")
    rects = _rects(svg)
    assert set(rects) == {"3月，物业管理：2 条", "7月，环境卫生：1 条", "10月，物业管理：1 条",
                          "11月，道路交通：1 条"}
    assert rects["3月，物业管理：2 条"]["fill"] == charts.CATEGORY_COLOURS["property"]
    assert rects["7月，环境卫生：1 条"]["fill"] == charts.CATEGORY_COLOURS["sanitation"]
    assert rects["11月，道路交通：1 条"]["fill"] == charts.CATEGORY_COLOURS["traffic"]
    # The axis goes to 2: March's column is the plot's full height, a single opinion half.
    assert float(rects["3月，物业管理：2 条"]["height"]) == 2 * float(
        rects["7月，环境卫生：1 条"]["height"])
    legend = re.findall(r'<rect width="14" height="14" fill="(#[0-9A-F]{6})"/></svg>([^<]+)</li>',
                        figure)
    assert legend == [(charts.CATEGORY_COLOURS["property"], "物业管理"),
                      (charts.CATEGORY_COLOURS["sanitation"], "环境卫生"),
                      (charts.CATEGORY_COLOURS["traffic"], "道路交通")]
    table = _table(figure)
    assert table[0] == ["类别", *[f"{m}月" for m in range(1, 13)], "合计"]
    assert table[1] == ["物业管理", "0", "0", "2", "0", "0", "0", "0", "0", "0", "1", "0", "0", "3"]
    assert table[-1] == ["合计", "0", "0", "2", "0", "0", "0", "1", "0", "0", "1", "1", "0", "5"]


def test_the_city_page_stacks_each_street_s_communities_at_and_below_the_minimum(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any]) -> None:
    body = client_for("city_official").get(
        f"/ledger/places/{city['city'].pk}/?year={YEAR}").content.decode()
    figure = _figure(body, "consultations")
    bars = _rects(_svg(figure))
    met, below = bars["和平街道：1 个社区达标"], bars["和平街道：1 个社区未达标"]
    assert (met["fill"], float(met["x"]), float(met["width"])) == (charts.MET_COLOUR, 0, 159)
    assert (below["fill"], float(below["x"]), float(below["width"])) == (
        charts.BELOW_COLOUR, 159, 159)
    # 远方街道 has one community, below the minimum: no empty "at the minimum" segment.
    assert "远方街道：0 个社区达标" not in bars
    assert float(bars["远方街道：1 个社区未达标"]["width"]) == 159
    assert _summary(figure, "consultations") == (
        "本页 2 个乡镇（街道）共有 3 个社区，其中 1 个达到了协商次数下限。"
        "未达下限的社区最多的是和平街道、远方街道（1 个）。")
    assert _table(figure) == [["乡镇（街道）", "社区", "已达标", "未达标"],
                              ["和平街道", "2", "1", "1"], ["远方街道", "1", "0", "1"]]


def test_a_year_without_opinions_and_a_street_without_communities_say_so(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any]) -> None:
    r = client_for("township").get(f"/ledger/places/{city['street'].pk}/?year={YEAR - 1}")
    assert r.status_code == 200
    months = _figure(r.content.decode(), "months")
    assert _summary(months, "months") == f"{YEAR - 1} 年没有登记意见。"
    assert _rects(_svg(months)) == {}

    empty = PlaceFactory(name="新设街道", kind=PlaceKind.STREET, parent=city["district"])
    r = client_for("city_official").get(f"/ledger/places/{empty.pk}/?year={YEAR}")
    assert r.status_code == 200
    figure = _figure(r.content.decode(), "consultations")
    assert _summary(figure, "consultations") == "这里没有社区。"
    assert _rects(_svg(figure)) == {}
    assert _table(figure)[1] == ["暂无数据。"]


def test_in_english_the_sentences_are_spaced_and_the_names_listed_with_commas(
        city: dict[str, Any], records: dict[str, Any]) -> None:
    d = selectors.dashboard(city["district"], selectors.period(YEAR))
    rows = [*d.rows, *d.rows]  # each street twice: ties name every street
    with translation.override("en"):
        assert charts.consultations_summary(d.rows_kind, rows) == (
            "4 streets and townships: 2 of their 6 communities held at least the minimum number"
            " of consultations. The most communities below the minimum: 和平街道, 远方街道, "
            "和平街道, 远方街道 (1).")
        assert charts.months_summary(YEAR, {"property": [0] * 11 + [2], "traffic": [2] + [0] * 11}) == (
            "4 opinions were registered in 2025. The most in January, December (2). The most "
            "frequent category: Property management, Roads and traffic (2).")
