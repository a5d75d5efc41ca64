"""On a phone (390 px), a date in a narrow table cell is read whole: it never breaks across
lines (``time { white-space: nowrap }``; templates render dates with ``|time_tag``)."""

from __future__ import annotations

from datetime import date

import pytest

from yishi.conftest import login
from yishi.places.models import CommitteeMembership, Seat
from yishi.places.tests.factories import place_tree, resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each <time> of the seats' table: how many line boxes it takes, and its height beside the
# height of one line of its text.
MEASURE = """() => [...document.querySelectorAll('[data-testid=seats] time')].map(t => ({
    text: t.textContent, datetime: t.getAttribute('datetime'),
    lines: t.getClientRects().length, height: t.getBoundingClientRect().height,
    line: parseFloat(getComputedStyle(t).lineHeight),
    whiteSpace: getComputedStyle(t).whiteSpace}))"""


def test_a_term_in_the_committee_table_stays_on_one_line_on_a_phone(new_page) -> None:  # type: ignore[no-untyped-def]
    tree = place_tree()
    me = resident(tree["a"], username="resident_a", name="王小明")
    for seat in Seat:
        holder = resident(tree["a"], username=f"seat_{seat.value}", name="欧阳文华")
        CommitteeMembership.objects.create(community=tree["a"], person=holder, seat=seat,
                                           term_start=date(2024, 3, 1),
                                           term_end=date(2027, 2, 28))
    page = new_page(viewport={"width": 390, "height": 844})
    login(page, me.user.username)
    page.goto(f"/places/committee/{tree['a'].pk}/")
    dates = page.evaluate(MEASURE)
    assert len(dates) == 2 * len(Seat)
    assert {(d["text"], d["datetime"]) for d in dates} == {
        ("2024-03-01", "2024-03-01"), ("2027-02-28", "2027-02-28")}
    for d in dates:
        # One line box, one line high, held by the rule (Chromium keeps 2024-03-01 whole
        # by itself; a "Y-m-d H:i" or a browser that breaks after a hyphen would not).
        assert d["lines"] == 1 and d["height"] <= d["line"] * 1.2, d
        assert d["whiteSpace"] == "nowrap", d
    # The term's column is the narrow one: the seat's name and the holder's take the rest.
    widths = page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid=seats] tbody tr:first-child td')].map(t => t.getBoundingClientRect().width)""")
    assert widths[2] < 390 / 2
