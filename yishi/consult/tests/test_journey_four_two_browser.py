"""Browser journey of issue 5 item 4: a village matter through 四议两公开 (004 第一篇 四.2).

The clerk chooses the template; the party branch proposes; a step posted out of order is
refused with a message naming the rule and nothing is written; the two committees discuss,
the party members' meeting reviews, the representatives' meeting votes (2/3 present, more
than half of those present, 村民委员会组织法 第二十六条); the resolution and the result are
made public, and a signed-out visitor reads the resolution on the village's board.
Elements are found by data-testid, id or name, never by translated text.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from yishi.conftest import login
from yishi.consult import services
from yishi.consult.models import ProcedureStep, TopicSource
from yishi.disclosure.models import Notice
from yishi.places.models import Role, RoleKind
from yishi.places.tests.factories import place_tree, resident, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESOLUTION = "决议:村集体厂房出租给本村合作社,租期五年,年租金十万元"


def _starting_data() -> dict[str, Any]:
    tree = place_tree()
    village = tree["b"]
    cast: dict[str, Any] = {
        "village": village,
        "party": staff(village, username="party", kind=RoleKind.PARTY),
        "clerk": staff(village, username="clerk"),
    }
    for i in range(9):  # nine representatives on the register: six make the 2/3 quorum
        Role.objects.create(person=resident(village, name=f"村民代表{i}"), place=tree["b_group"],
                            kind=RoleKind.REPRESENTATIVE)
    cast["topic"] = services.create_candidate(
        actor=cast["clerk"].user, community=village, title="村集体厂房出租",
        text="村集体闲置厂房对外出租,租期与租金待定", category="assets",
        source=TopicSource.STATUTORY)
    return cast


def _step_state(page: Any, code: str, state: str) -> None:
    expect(page.get_by_test_id(f"step-{code}")).to_have_attribute("data-state", state)


def _record(page: Any, code: str, note: str = "", *, notice: bool = False,
            **fields: str) -> None:
    if note:
        page.fill(f"#{code}_note", note)
    for name, value in fields.items():
        page.fill(f"#{code}_{name}", value)
    page.get_by_test_id(f"step-{code}").get_by_test_id("record-step").click()
    if notice:  # 公开: the notice as the public will see it, then 确认
        expect(page.get_by_test_id("confirm-preview").get_by_test_id("notice-body")) \
            .to_contain_text(note)
        page.get_by_test_id("confirm-yes").click()
    _step_state(page, code, "done")


def test_four_two_matter_goes_through_its_six_steps_and_a_skipped_step_is_refused(
        new_page) -> None:
    cast = _starting_data()
    topic = cast["topic"]
    url = f"/consult/topics/{topic.pk}/procedure/"

    # --- The clerk puts the matter on 四议两公开.
    clerk = new_page()
    login(clerk, "clerk")
    clerk.goto(url)
    clerk.select_option("#choose_procedure", "four_two")
    clerk.get_by_test_id("choose-procedure").click()
    expect(clerk.get_by_test_id("procedure")).to_have_attribute("data-procedure", "four_two")
    _step_state(clerk, "party_proposes", "next")
    expect(clerk.get_by_test_id("step-waiting")).to_be_visible()  # the party branch proposes
    _step_state(clerk, "representatives_resolve", "later")

    # --- 一议: the party branch proposes.
    party = new_page()
    login(party, "party")
    party.goto(url)
    _record(party, "party_proposes", "党支部会提议:闲置厂房对外出租,收益归集体")
    expect(party.get_by_test_id("step-party_proposes-who")).to_contain_text("party")

    # --- A skipped step: the clerk's form is pointed at the representatives' vote before
    # the two committees have discussed (a stale or tampered form). Refused, nothing written.
    clerk.reload()
    _step_state(clerk, "committees_discuss", "next")
    form = clerk.get_by_test_id("step-committees_discuss").get_by_test_id("step-form")
    form.evaluate(f"f => f.action = '/consult/topics/{topic.pk}/procedure/step/"
                  "representatives_resolve/'")
    form.get_by_test_id("record-step").click()
    refusal = clerk.locator(".msg.refusal.rule-step_order")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("依据《乡镇规范化建设文件汇编》第一篇 四.2")
    _step_state(clerk, "representatives_resolve", "later")
    assert list(ProcedureStep.objects.filter(topic=topic).values_list("step", flat=True)) == [
        "party_proposes"]

    # --- 二议: the two committees discuss (the clerk records it).
    _record(clerk, "committees_discuss", "两委会商议:租期五年,年租金不低于十万元")

    # --- 三议: the party members' meeting reviews.
    party.reload()
    _record(party, "members_review", "党员大会审议同意")

    # --- 四议: the representatives' meeting votes; 7 of 9 present, 6 for.
    clerk.reload()
    _record(clerk, "representatives_resolve", "村民代表会议决议出租",
            yes="6", no="1", abstain="0", present="7")
    vote = clerk.get_by_test_id("step-representatives_resolve-vote")
    expect(vote).to_have_attribute("data-passed", "yes")
    expect(vote).to_contain_text("7")

    # --- 两公开: the resolution, then the implementation result, on the board.
    _record(clerk, "resolution_public", RESOLUTION, notice=True, notice_days="7")
    expect(clerk.get_by_test_id("step-resolution_public-notice")).to_be_visible()
    _record(clerk, "result_public", "已与合作社签订租赁合同,首年租金已入账", notice=True)
    expect(clerk.get_by_test_id("procedure-complete")).to_be_visible()
    rows = list(ProcedureStep.objects.filter(topic=topic).order_by("seq"))
    assert [r.step for r in rows] == ["party_proposes", "committees_discuss", "members_review",
                                      "representatives_resolve", "resolution_public",
                                      "result_public"]
    assert rows[0].decided_by == cast["party"].user and rows[1].decided_by == cast["clerk"].user
    assert (rows[3].yes, rows[3].present, rows[3].members, rows[3].passed) == (6, 7, 9, True)

    # --- A signed-out visitor reads the resolution on the village's public board.
    notice = Notice.objects.get(pk=rows[4].notice_id)
    visitor = new_page()
    visitor.goto(f"/public/{cast['village'].pk}/")
    expect(visitor.locator("body")).to_contain_text("村集体厂房出租")
    visitor.goto(f"/public/notices/{notice.pk}/")
    expect(visitor.locator("body")).to_contain_text(RESOLUTION)
