"""Browser journey: a signed-out visitor on a phone finds a notice by a word inside it
and opens its PDF."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from yishi.disclosure.tests.factories import notice
from yishi.places.tests.factories import place_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_on_a_phone_searches_the_board_and_opens_the_pdf(new_page):
    tree = place_tree()
    wanted = notice(tree["a"], title="关于小区垃圾分类点位调整的公示",
                    body="经社区协商议事会议商议，3栋旁垃圾分类点位调整至北门空地。联系电话13812345678。")
    notice(tree["a"], title="关于加装电梯费用分摊的公示", body="电梯费用按楼层分摊。")
    notice(tree["b"], title="桃园村垃圾分类公示", body="村里的垃圾分类。")

    page = new_page(viewport={"width": 390, "height": 844})
    page.goto("/public/")
    page.select_option("#id_c", str(tree["a"].pk))
    page.locator("form:has(#id_c) button[type=submit]").click()
    expect(page.get_by_test_id("board").locator("li")).to_have_count(2)

    page.fill("#id_q", "垃圾分类")
    page.locator("form[role=search] button[type=submit]").click()
    results = page.get_by_test_id("results").locator("li")
    expect(results).to_have_count(1)
    results.get_by_role("link", name="关于小区垃圾分类点位调整的公示").click()

    expect(page.get_by_test_id("notice-title")).to_have_text("关于小区垃圾分类点位调整的公示")
    expect(page.get_by_test_id("notice-body")).to_contain_text("138****5678")
    expect(page.get_by_test_id("notice-body")).not_to_contain_text("13812345678")
    assert page.viewport_size == {"width": 390, "height": 844}
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    href = page.get_by_test_id("pdf").get_attribute("href")
    assert href == f"/public/notices/{wanted.pk}.pdf"
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
