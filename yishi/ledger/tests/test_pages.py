"""The pages: figures, drill-down, CSV, and no server error on odd input."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from .conftest import YEAR, client_for

pytestmark = pytest.mark.django_db


def test_the_city_drills_down_to_a_community_ledger_in_two_clicks(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any]) -> None:
    c = client_for("city_official")
    r = c.get(f"/ledger/places/{city['city'].pk}/?year={YEAR}")
    assert r.status_code == 200
    d = r.context["d"]
    assert d.rows_kind == "street"
    street = next(row for row in d.rows if row.place == city["street"])
    assert (street.communities, street.met, street.consultations) == (2, 1, 7)
    street_link = f"/ledger/places/{city['street'].pk}/?year={YEAR}"
    assert street_link in r.content.decode()  # click 1

    r = c.get(street_link)
    ledger_link = f"/ledger/communities/{city['a'].pk}/{YEAR}/"
    assert ledger_link in r.content.decode()  # click 2
    r = c.get(ledger_link)
    assert r.status_code == 200
    assert r.context["row"].consultations == 4
    assert "4 / 4" in r.content.decode()


def test_the_street_page_shows_each_community_against_the_minimum(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any]) -> None:
    r = client_for("township").get(f"/ledger/places/{city['street'].pk}/?year={YEAR}")
    rows = {row.place.name: row for row in r.context["d"].rows}
    a, b = rows["幸福社区"], rows["桃园村"]
    assert (a.consultations, a.minimum_met, b.consultations, b.minimum_met) == (4, True, 3, False)
    assert a.overdue_opinions == 2
    assert (a.overdue_answers, a.overdue_tasks, b.overdue_answers) == (1, 1, 0)
    assert a.median_days == 4  # answered after 2 and 6 days
    assert a.satisfied_share == 0.5
    total = r.context["d"].total
    assert total.below_minimum == 1
    months = r.context["d"].months
    assert months["property"][9] == 1 and months["traffic"][10] == 1  # October, November
    body = r.content.decode()
    assert 'data-testid="chart-consultations"' in body and 'data-testid="chart-months"' in body


def test_a_higher_minimum_for_a_community_is_applied(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any]) -> None:
    from yishi.ledger.models import LedgerSettings

    LedgerSettings.objects.create(community=city["a"], min_consultations=6)
    r = client_for("township").get(f"/ledger/places/{city['street'].pk}/?year={YEAR}")
    a = next(row for row in r.context["d"].rows if row.place == city["a"])
    assert (a.minimum, a.minimum_met) == (6, False)


def test_the_csv_has_the_table_s_figures(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any]) -> None:
    r = client_for("township").get(f"/ledger/places/{city['street'].pk}/dashboard.csv?year={YEAR}")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 2 + 1  # header, two communities, total
    # Every header in Chinese (a header left in English would be a code to an Excel user).
    assert all(re.search(r"[\u4e00-\u9fff]", h) for h in rows[0]), rows[0]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["幸福社区"][5] == "4" and by_name["桃园村"][5] == "3"


@pytest.mark.parametrize("url", [
    "/ledger/communities/{a}/1999/", "/ledger/communities/{a}/99999/",
    "/ledger/communities/{a}/0/", "/ledger/communities/{a}/2025/ledger.docx",
    "/ledger/communities/999999999/2025/", "/ledger/communities/99999999999999999999/2025/",
    "/ledger/communities/{street}/2025/",
    "/ledger/places/{street}/?year=abc", "/ledger/places/{street}/?year=1899",
    "/ledger/places/{street}/?year=２０２５", "/ledger/places/{street}/dashboard.csv?year=-1",
    "/ledger/places/999999999/", "/ledger/exports/999999999/",
    "/ledger/exports/999999999/status/", "/ledger/exports/999999999/download/",
])
def test_odd_input_is_a_404_not_a_server_error(
        city: dict[str, Any], users: dict[str, Any], url: str) -> None:
    r = client_for("city_official").get(url.format(a=city["a"].pk, street=city["street"].pk))
    assert r.status_code == 404


def test_an_export_with_a_bad_year_or_format_is_refused_with_a_message(
        city: dict[str, Any], users: dict[str, Any]) -> None:
    from yishi.ledger.models import ExportJob

    c = client_for("township")
    for data in ({"year": "abc", "format": "xlsx"}, {"year": YEAR, "format": "exe"}):
        r = c.post(f"/ledger/places/{city['street'].pk}/export/", data)
        assert r.status_code == 302 and r["Location"].startswith(
            f"/ledger/places/{city['street'].pk}/")
    assert not ExportJob.objects.exists()


def test_the_year_picker_moves_the_ledger_to_that_year(
        city: dict[str, Any], users: dict[str, Any]) -> None:
    r = client_for("staff_a").get(f"/ledger/communities/{city['a'].pk}/{YEAR}/?year=2024")
    assert r.status_code == 302 and r["Location"] == f"/ledger/communities/{city['a'].pk}/2024/"


def test_the_index_lists_the_places_one_oversees(
        city: dict[str, Any], users: dict[str, Any]) -> None:
    r = client_for("township").get("/ledger/")
    assert r.status_code == 200
    assert [p.name for p in r.context["places"]] == ["和平街道"]


def test_a_place_name_that_looks_like_a_formula_is_text_in_the_csv(
        city: dict[str, Any], records: dict[str, Any], users: dict[str, Any]) -> None:
    city["a"].name = "=HYPERLINK(\"http://evil.example\")"
    city["a"].save(update_fields=["name"])
    r = client_for("township").get(f"/ledger/places/{city['street'].pk}/dashboard.csv?year={YEAR}")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    names = [row[0] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://evil.example\")" in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
