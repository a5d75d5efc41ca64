"""Browser journey: on a phone, 订阅 on the board explains the feed and copies its address."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from yishi.places.tests.factories import place_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_taps_subscribe_and_copies_the_feed_address(new_page, live_server):  # type: ignore[no-untyped-def]
    tree = place_tree()
    page = new_page(viewport={"width": 390, "height": 844})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                   origin=live_server.url)
    page.goto(f"/public/{tree['a'].pk}/")
    page.get_by_test_id("board-subscribe").click()
    expect(page.get_by_test_id("subscribe-explained")).to_contain_text("阅读器应用")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_test_id("copy-feed-url").click()
    expect(page.get_by_text("已复制")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{live_server.url}/public/{tree['a'].pk}/feed/"
