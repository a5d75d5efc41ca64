"""Browser journey: a visitor on a phone lands on the welcome page, opens their community's
board from it, and finds that board there when they come back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from yishi.disclosure.tests.factories import notice
from yishi.places.tests.factories import place_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_on_a_phone_finds_their_board_from_the_welcome_page(new_page):
    tree = place_tree()
    notice(tree["a"], title="关于加装电梯的公示")
    page = new_page(viewport={"width": 390, "height": 844})
    page.goto("/")
    sign_in = page.get_by_test_id("welcome-sign-in")
    expect(sign_in).to_have_text("登录")
    box = sign_in.bounding_box()
    assert box is not None and box["height"] >= 44  # a thumb's tap
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.select_option("#id_c", str(tree["a"].pk))
    page.get_by_test_id("welcome-chooser").get_by_role("button").click()
    expect(page.get_by_test_id("board").locator("li")).to_have_count(1)

    page.goto("/")
    board = page.get_by_test_id("welcome-board")
    expect(board).to_contain_text("幸福社区")
    board.get_by_role("link", name="关于加装电梯的公示").click()
    expect(page.get_by_test_id("notice-title")).to_have_text("关于加装电梯的公示")

    page.goto("/")
    page.get_by_test_id("welcome-sign-in").click()
    expect(page.locator("#id_username")).to_be_visible()
