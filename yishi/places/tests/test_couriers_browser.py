"""On a phone (390×844): community staff record the open recruitment, appoint a courier
from it, and read the couriers' list; a reappointment before the assessment is refused in
words (002 一聘)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from yishi.conftest import login
from yishi.core import clock
from yishi.places.models import CourierAppointment
from yishi.places.tests.factories import place_tree, resident, staff
from yishi.testing.phone import check_phone_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_recruit_and_appoint_a_courier_on_a_phone(new_page) -> None:  # type: ignore[no-untyped-def]
    tree = place_tree()
    staff(tree["a"], username="worker")
    recruit = resident(tree["a"], name="赵丽华")
    today = clock.localdate()

    page = new_page(viewport={"width": 390, "height": 844})
    login(page, "worker")
    page.get_by_test_id("staff-menu").click()
    page.get_by_test_id("nav-couriers").click()
    expect(page.get_by_test_id("no-couriers")).to_be_visible()

    page.fill("#id_recruit-announced_on", (today - timedelta(days=30)).isoformat())
    page.fill("#id_recruit-announced_where", "社区公示栏、社区微信群")
    page.fill("#id_recruit-closes_on", (today - timedelta(days=10)).isoformat())
    page.get_by_role("button", name="登记招聘").click()
    expect(page.locator(".msg.success")).to_contain_text("招聘已登记")

    page.fill("#id_appoint-lookup", recruit.personal.phone)
    page.fill("#id_appoint-term_start", today.isoformat())
    page.fill("#id_appoint-subsidy", "300")
    page.get_by_role("button", name="聘任一年").click()
    expect(page.locator(".msg.success")).to_contain_text("聘期一年")
    expect(page.get_by_test_id("courier")).to_have_count(1)
    expect(page.get_by_test_id("courier")).to_contain_text("赵丽华")
    expect(page.get_by_test_id("term-status")).to_have_text("在聘")
    check_phone_page(page)

    page.get_by_test_id("courier").get_by_role("link").click()
    page.get_by_role("button", name="续聘", exact=True).click()
    expect(page.locator(".msg.error")).to_contain_text("续聘前，请先登记本聘期的年度考核")
    expect(page.locator(".msg.error")).to_contain_text("依据《成都市基层治理实践")
    check_phone_page(page)
    assert CourierAppointment.objects.count() == 1
