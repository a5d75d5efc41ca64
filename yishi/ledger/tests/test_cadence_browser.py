"""A township official on a phone sees the meetings on the calendar: the street's table of
periods held, due and missed per community, and a community's 会议日历 in its ledger."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from yishi.conftest import login
from yishi.testing.phone import phone_problems

from .conftest import YEAR
from .test_cadence_ledger import assemblies  # noqa: F401 (the records of the calendar)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_township_sees_the_missed_meetings_and_opens_the_ledger(
        new_page: Any, city: dict[str, Any], records: dict[str, Any],
        assemblies: None, users: dict[str, Any]) -> None:  # noqa: F811
    page = new_page()
    login(page, "township")
    page.goto(f"/ledger/places/{city['street'].pk}/?year={YEAR}")
    expect(page.get_by_test_id("cadences-missed")).to_have_text("4")
    table = page.get_by_test_id("cadences-table")
    expect(table).to_contain_text("民主议事会")
    row = table.locator(f'tr[data-calendar="{city["a"].pk}"] td')
    # 幸福社区: councils 3 held, 0 due, 1 missed; no representatives' meeting (a town);
    # the residents' meeting held at the start of the year, missed at its end.
    expect(row).to_have_text(["幸福社区", "3", "0", "1", "—", "—", "—", "1", "0", "1"])
    expect(table.locator('tr[data-calendar="total"] td')).to_have_text(
        ["6", "0", "2", "3", "0", "1", "1", "0", "1"])
    assert phone_problems(page) == []

    page.get_by_role("link", name="幸福社区").first.click()
    section = page.locator('section[data-sheet="cadences"]')
    expect(section).to_contain_text("会议日历")
    expect(section).to_contain_text("未按期召开")
    expect(page.locator('[data-cadence="council"]')).to_have_text("3 / 4")
    assert phone_problems(page) == []
