"""A city's dashboard shows its streets a page at a time (fifty; four here, to keep the
city small); the totals, the months and the CSV still count every street."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client
from django.utils import timezone

from yishi.ledger import figures, selectors, views
from yishi.ledger.generator import CITY_NAME, Sizes, generate
from yishi.ledger.management.commands.bench import _bench_user
from yishi.places.models import Place, PlaceKind

pytestmark = pytest.mark.django_db

# Six streets of ten communities: a page of four and a second of two.
SIZES = Sizes(communities=60, opinions=300, topics=60, years=1, batch=500)
PER_PAGE = 4


def _rows(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-place="(\d+)">', body)]


def test_the_city_page_shows_a_page_of_streets_and_counts_them_all(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert views.DASHBOARD_PAGE_ROWS == 50
    monkeypatch.setattr(views, "DASHBOARD_PAGE_ROWS", PER_PAGE)
    generate(SIZES)
    figures.rebuild()
    city = Place.objects.get(name=CITY_NAME, parent__isnull=True)
    streets = list(Place.objects.filter(kind=PlaceKind.STREET).order_by("path")
                   .values_list("pk", flat=True))
    assert len(streets) == 6
    year = timezone.localdate().year
    client = Client()
    client.force_login(_bench_user(city))
    url = f"/ledger/places/{city.pk}/?year={year}"

    first = client.get(url)
    assert first.status_code == 200
    assert _rows(first.content.decode()) == streets[:PER_PAGE]
    total = first.context["d"].total
    assert total.communities == 60
    expected = selectors.dashboard_from_records(city, selectors.period(year))
    assert (total.opinions, total.consultations, total.topics) == (
        expected.total.opinions, expected.total.consultations, expected.total.topics)
    assert f"?year={year}&amp;page=2" in first.content.decode()
    consultations = first.context["charts"][0]
    assert [b.label for b in consultations.bars] == [
        s.name for s in Place.objects.filter(pk__in=streets[:PER_PAGE]).order_by("path")]

    second = client.get(url + "&page=2")
    assert _rows(second.content.decode()) == streets[PER_PAGE:]
    assert second.context["d"].total.communities == 60
    # A street's row on the page says what the records say.
    row = next(r for r in expected.rows if r.place.pk == streets[-1])
    html = second.content.decode()
    cells = re.search(rf'<tr data-place="{streets[-1]}">(.*?)</tr>', html)
    assert cells is not None
    numbers = re.findall(r'<td class="num[^"]*">([^<]*)</td>', cells.group(1))
    assert numbers[:6] == [str(row.communities), str(row.met), str(row.below_minimum),
                           str(row.consultations), str(row.topics), str(row.opinions)]

    # Odd page numbers answer a page, never an error.
    for odd in ("abc", "0", "-1", "999", "２"):
        r = client.get(url + f"&page={odd}")
        assert r.status_code == 200, odd
        assert _rows(r.content.decode()), odd

    # The CSV holds every street, whatever the page.
    r = client.get(f"/ledger/places/{city.pk}/dashboard.csv?year={year}&page=2")
    lines = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(lines) == 1 + 6 + 1  # header, the streets, the total
