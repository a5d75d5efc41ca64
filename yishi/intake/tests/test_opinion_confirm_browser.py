"""On a phone, turning an opinion into a topic and referring it ask in the dialog: 取消
leaves the opinion as it was, 确认 does it (issue 13, item 5)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from yishi.conftest import login
from yishi.consult.models import Topic
from yishi.intake import services
from yishi.intake.models import Opinion
from yishi.places.tests.factories import place_tree, resident, staff

from .helpers import raise_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _acknowledged(person, worker, title):  # type: ignore[no-untyped-def]
    opinion = raise_as(person, title=title)
    return services.acknowledge_opinion(actor=worker.user, opinion=opinion)


def test_the_dialog_asks_before_an_opinion_becomes_a_topic_or_is_referred(new_page) -> None:  # type: ignore[no-untyped-def]
    tree = place_tree()
    person = resident(tree["a"], username="13800000001", name="王秀英")
    worker = staff(tree["a"], username="worker")
    for_topic = _acknowledged(person, worker, "小区停车难")
    to_refer = _acknowledged(person, worker, "门口占道经营")

    page = new_page(viewport={"width": 390, "height": 844})
    login(page, "worker")
    page.goto(f"/intake/opinions/{for_topic.pk}/")
    dialog = page.get_by_test_id("confirm-dialog")

    page.get_by_test_id("make-topic").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("确定把这条民情转为待审议题吗？")
    page.get_by_test_id("confirm-dialog-no").click()
    expect(dialog).not_to_be_visible()
    expect(page.get_by_test_id("opinion-state")).to_have_text("已受理")
    assert Opinion.objects.get(pk=for_topic.pk).state == "acknowledged"
    assert not Topic.objects.exists()

    page.get_by_test_id("make-topic").click()
    page.get_by_test_id("confirm-dialog-yes").click()
    expect(page.get_by_test_id("opinion-state")).not_to_have_text("已受理")
    assert Opinion.objects.get(pk=for_topic.pk).state == "topic"
    assert Topic.objects.count() == 1

    page.goto(f"/intake/opinions/{to_refer.pk}/")
    page.get_by_test_id("refer-open").click()
    page.get_by_test_id("refer-form").locator("input[name=department]").fill("城管执法中队")
    page.get_by_test_id("refer").click()
    expect(dialog).to_contain_text("确定把这条民情转办给该部门吗？")
    page.get_by_test_id("confirm-dialog-no").click()
    assert Opinion.objects.get(pk=to_refer.pk).state == "acknowledged"
    page.get_by_test_id("refer").click()
    page.get_by_test_id("confirm-dialog-yes").click()
    expect(page.get_by_test_id("opinion-state")).not_to_have_text("已受理")
    referred = Opinion.objects.get(pk=to_refer.pk)
    assert (referred.state, referred.referred_to) == ("referred", "城管执法中队")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
