"""Browser journeys of the foundation: an opinion from raising to rating, and a joint proposal
reaching its threshold at exactly the signature that crosses it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from yishi.conftest import login
from yishi.consult.models import Topic
from yishi.intake.models import JointProposal, Opinion
from yishi.places.models import RoleKind
from yishi.places.tests.factories import PersonFactory, place_tree, resident, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_raises_opinion_staff_answers_resident_rates(new_page):
    tree = place_tree()
    resident(tree["a"], username="13800000001", name="王秀英")
    staff(tree["a"], username="worker")

    # The resident raises an opinion on a phone.
    page = new_page()
    login(page, "13800000001")
    page.get_by_role("link", name="反映民情").first.click()
    page.fill("#id_title", "3栋楼道灯坏了")
    page.fill("#id_text", "3栋2单元楼道灯坏了一个星期，老人晚上上下楼不安全。")
    page.select_option("#id_category", "utilities")
    page.click("button[type=submit]")
    expect(page.get_by_test_id("opinion-state")).to_have_text("已登记")
    number = Opinion.objects.get().number
    expect(page.locator("body")).to_contain_text(number)

    # A community worker finds it in the queue, acknowledges and answers.
    staff_page = new_page()
    login(staff_page, "worker")
    staff_page.get_by_test_id("staff-menu").click()
    staff_page.get_by_test_id("nav-queue").click()
    staff_page.get_by_role("link", name="3栋楼道灯坏了").click()
    staff_page.get_by_role("button", name="受理").click()
    expect(staff_page.get_by_test_id("opinion-state")).to_have_text("已受理")
    staff_page.fill("#id_answer", "已联系物业，楼道灯于本周三更换完毕。")
    staff_page.get_by_role("button", name="发送答复").click()
    expect(staff_page.get_by_test_id("opinion-state")).to_have_text("已答复")

    # The resident sees every step and the answer, and rates it.
    page.goto("/")
    expect(page.get_by_test_id("unread")).to_be_visible()
    page.get_by_role("link", name="3栋楼道灯坏了").click()
    expect(page.get_by_test_id("answer")).to_contain_text("楼道灯于本周三更换完毕")
    expect(page.get_by_test_id("timeline").locator("li")).to_have_count(3)
    page.get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_test_id("rating")).to_have_text("满意")
    opinion = Opinion.objects.get()
    assert (opinion.state, opinion.rating) == ("rated", 3)
    assert list(opinion.steps.values_list("to_state", flat=True)) == [
        "submitted", "acknowledged", "answered", "rated"]


def test_joint_proposal_becomes_mandatory_at_exactly_the_threshold_signature(new_page):
    tree = place_tree()
    community = tree["a"]
    # 40 adults on the register: one tenth is 4 signatures (以上 includes 4).
    proposer = resident(community, username="13800000010", name="张建国")
    signers = [resident(community, username=f"1380000002{i}", name=f"签名人{i}") for i in range(3)]
    for _ in range(36):
        PersonFactory(community=community)
    # Children do not count toward the base: they are not of voting age.
    for _ in range(10):
        PersonFactory(community=community, birth_date=date(2015, 1, 1))
    staff(community, username="worker", kind=RoleKind.STAFF)

    page = new_page()
    login(page, proposer.user.username)
    page.goto("/intake/proposals/new/")
    page.fill("#id_title", "增设电动自行车集中充电点")
    page.fill("#id_text", "小区电动车楼道充电隐患大，提议在北门空地增设集中充电桩。")
    page.select_option("#id_category", "safety")
    page.click("button[type=submit]")
    page.get_by_role("button", name="发起联名").click()
    count = page.get_by_test_id("signature-count")
    expect(count).to_contain_text("1")
    expect(page.get_by_test_id("signature-panel")).to_contain_text("40")
    proposal = JointProposal.objects.get()

    for i, signer in enumerate(signers, start=2):
        p = new_page()
        login(p, signer.user.username)
        p.goto(f"/intake/proposals/{proposal.pk}/")
        expect(p.get_by_test_id("proposal-state")).to_have_text("征集联名中")
        p.get_by_role("button", name="我要联名").click()
        expect(p.get_by_test_id("signature-count")).to_contain_text(re.compile(rf"\b{i}\b"))
        proposal.refresh_from_db()
        if i < 4:
            # One short of the threshold: still collecting, no topic yet.
            expect(p.get_by_test_id("proposal-state")).to_have_text("征集联名中")
            assert proposal.state == "open" and not Topic.objects.exists()
        else:
            expect(p.get_by_test_id("proposal-state")).to_contain_text("必须协商")
            assert proposal.state == "reached"
            topic = Topic.objects.get()
            assert topic.mandatory and topic.source == "joint_proposal"

    # The proposer is told.
    page.goto("/notifications/")
    expect(page.locator("body")).to_contain_text("增设电动自行车集中充电点")
