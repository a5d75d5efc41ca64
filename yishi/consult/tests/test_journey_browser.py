"""Browser journey of issue 3: a major topic from a joint proposal to the public notice.

The starting data (a community, its seven fixed seats, a joint proposal that reached its
threshold and so became a mandatory topic) is made with factories and services; every step
after it is driven through the pages, on a tablet for the committee and on phones for the
participants. Elements are found by data-testid, id or name, never by translated text.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yishi.conftest import login
from yishi.consult.models import Meeting, Participant, Topic
from yishi.disclosure.models import Notice
from yishi.intake import services as intake
from yishi.places.models import CommitteeMembership, Role, RoleKind, Seat
from yishi.places.tests.factories import place_tree, resident, staff

from .browser import count_the_hands, record_representatives_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 820, "height": 1180}
MEMO = "共识纪要:按调整后的楼层系数分摊加装电梯费用,一楼住户免摊"


def _starting_data() -> dict[str, Any]:
    tree = place_tree()
    community = tree["a"]
    seats = []
    for i, seat in enumerate(Seat.values):
        person = resident(community, username=f"seat{i}", name=f"委员{i}")
        CommitteeMembership.objects.create(community=community, person=person, seat=seat,
                                           term_start=date(2024, 1, 1),
                                           term_end=date(2099, 12, 31))
        seats.append(person)
    cast = {
        "community": community,
        "seats": seats,
        "chair": staff(community, username="chair", kind=RoleKind.CHAIR),
        "recorder": staff(community, username="recorder"),
        "party": staff(community, username="party", kind=RoleKind.PARTY),
        "stakeholder": resident(community, username="stakeholder", name="一楼住户老赵"),
        "neighbour": resident(community, username="neighbour", name="无关群众小钱"),
        "proposer": resident(community, username="proposer", name="提议人老孙"),
    }
    for i in range(10):  # 20 adults on the register: one tenth is 2 signatures (以上)
        resident(community, name=f"居民{i}")
    proposal = intake.draft_proposal(actor=cast["proposer"].user, title="1栋加装电梯",
                                     text="1栋加装电梯,费用如何在各楼层住户间分摊", category="property")
    proposal = intake.open_proposal(actor=cast["proposer"].user, proposal=proposal)
    assert proposal.state == "open"
    intake.sign_proposal(actor=cast["neighbour"].user, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.state == "reached" and proposal.topic is not None
    cast["topic"] = proposal.topic
    assert cast["topic"].mandatory
    return cast


def _in_days(n: int) -> str:
    return (timezone.localtime() + timedelta(days=n)).strftime("%Y-%m-%dT%H:%M")


def _state(page: Any, testid: str, state: str) -> None:
    expect(page.get_by_test_id(testid)).to_have_attribute("data-state", state)


def _tick(page: Any, participant: Participant) -> None:
    page.get_by_test_id(f"tick-{participant.pk}").click()
    expect(page.get_by_test_id(f"present-{participant.pk}")).to_be_visible()


def _four_steps(page: Any, speakers: list[tuple[Participant, str]], method: str,
                question: str) -> None:
    """Steps 1–3 recorded and the vote opened (step 4)."""
    page.fill("#id_summary", "议题来源:居民联名提议;审查:属目录第五项;规则:一人一次发言")
    page.get_by_test_id("step1").click()
    _state(page, "meeting-state", "step1")
    page.fill("#id_summary", "提议人说明加装电梯的必要性与测算")
    page.get_by_test_id("step2").click()
    _state(page, "meeting-state", "step2")
    page.get_by_test_id("step3").click()
    _state(page, "meeting-state", "step3")
    for who, opinion in speakers:
        page.select_option("#id_participant", str(who.pk))
        page.fill("#id_opinion", opinion)
        page.get_by_test_id("add-speech").click()
        expect(page.get_by_test_id("speeches")).to_contain_text(opinion)
    page.check(f"input[name=method][value={method}]")
    page.fill("#id_question", question)
    page.get_by_test_id("open-vote").click()
    _state(page, "meeting-state", "step4")


def _sign_minutes(page: Any, topic: Topic) -> None:
    for meeting in Meeting.objects.filter(topic=topic).order_by("number"):
        page.goto(f"/consult/meetings/{meeting.pk}/minutes/")
        page.get_by_test_id("sign-minutes").click()
        expect(page.get_by_test_id("sign-minutes")).to_have_count(0)


def test_major_topic_from_joint_proposal_to_public_notice(new_page) -> None:
    cast = _starting_data()
    topic = cast["topic"]

    # --- Screening: the chair finds the mandatory topic on the board and accepts it as major.
    chair = new_page(TABLET)
    login(chair, "chair")
    chair.get_by_test_id("staff-menu").click()
    chair.get_by_test_id("nav-board").click()
    chair.get_by_test_id("stage-candidate").get_by_role("link", name="1栋加装电梯").click()
    _state(chair, "topic-state", "candidate")
    expect(chair.get_by_test_id("mandatory-note")).to_be_visible()
    expect(chair.get_by_test_id("reject-form")).to_have_count(0)
    chair.select_option("#accept_catalogue_code", "finance")
    chair.check("#accept_major")
    chair.get_by_test_id("accept").click()
    _state(chair, "topic-state", "accepted")

    # --- The plan: the seven seats come with it; the X member and a resident by number.
    chair.get_by_test_id("draft-plan").click()
    chair.fill("#id_starts_at", _in_days(4))
    chair.fill("#id_location", "社区党群服务中心议事厅")
    chair.select_option("#id_form", "council")
    chair.fill("#id_rules_text", "主持人说明规则;每人发言不超过5分钟;举手表决")
    chair.fill("#id_materials", "电梯报价与分摊测算表")
    chair.select_option("#id_convener", str(cast["chair"].pk))
    chair.select_option("#id_recorder", str(cast["recorder"].pk))
    chair.get_by_test_id("save-plan").click()
    expect(chair.get_by_test_id("participant-seat")).to_have_count(7)
    chair.select_option("#id_kind", "x")
    chair.fill("#id_lookup", cast["stakeholder"].personal.phone)
    expect(chair.get_by_test_id("lookup-result")).to_contain_text("一楼住户老赵")
    chair.get_by_test_id("add-participant").click()
    expect(chair.get_by_test_id("participant-x")).to_contain_text("一楼住户老赵")
    chair.select_option("#id_kind", "resident")
    chair.fill("#id_lookup", cast["neighbour"].personal.id_number)
    chair.get_by_test_id("add-participant").click()
    expect(chair.get_by_test_id("participant-resident")).to_contain_text("无关群众小钱")
    # Notices wait for the party organisation's approval of a major matter's plan.
    chair.get_by_test_id("send-notices").click()
    expect(chair.locator(".msg.refusal.rule-party_approval")).to_contain_text("依据《利川市城乡社区协商实施方案》（二）4.(2)")
    _state(chair, "topic-state", "planned")
    # The social-stability risk assessment comes first (002).
    expect(chair.get_by_test_id("risk-missing")).to_be_visible()
    chair.select_option("#risk_level", "medium")
    chair.fill("#risk_findings", "一楼住户对分摊有意见,未发现信访苗头")
    chair.fill("#risk_mitigation", "会前逐户沟通,测算表提前公开")
    chair.get_by_test_id("record-risk").click()
    expect(chair.get_by_test_id("risk")).to_be_visible()

    # --- The party organisation approves the plan.
    party = new_page()
    login(party, "party")
    party.goto(f"/consult/topics/{topic.pk}/")
    party.get_by_test_id("approve").click()
    expect(party.get_by_test_id("plan-approved")).to_be_visible()
    _state(party, "topic-state", "approved")

    # --- Notices go out; the first meeting is scheduled.
    chair.goto(f"/consult/topics/{topic.pk}/")
    chair.get_by_test_id("send-notices").click()
    _state(chair, "topic-state", "notified")
    chair.get_by_test_id("console-link").click()
    meeting = Meeting.objects.get(topic=topic, number=1)
    people = {p.person_id: p for p in Participant.objects.filter(plan_id=meeting.plan_id)}
    seat_rows = [people[s.pk] for s in cast["seats"]]
    x_row, neighbour_row = people[cast["stakeholder"].pk], people[cast["neighbour"].pk]

    # --- Sign-in: four of eight committee members (7 + X) is short of 2/3.
    chair.get_by_test_id("open-sign-in").click()
    _state(chair, "meeting-state", "signing_in")
    code = chair.get_by_test_id("sign-in-code").inner_text().strip()
    assert re.fullmatch(r"\d{6}", code)
    for row in seat_rows[:4]:
        _tick(chair, row)
    expect(chair.get_by_test_id("quorum-missing")).to_have_attribute("data-missing", "2")
    chair.get_by_test_id("open-meeting").click()
    refusal = chair.locator(".msg.refusal.rule-quorum")
    expect(refusal).to_contain_text("依据《利川市城乡社区协商实施方案》（二）4.(2)")
    expect(refusal).to_contain_text("2")
    _state(chair, "meeting-state", "signing_in")

    # A member signs in on her own phone with the code shown in the room.
    member = new_page()
    login(member, "seat4")
    member.goto(f"/consult/meetings/{meeting.pk}/sign-in/")
    member.fill("#id_code", code)
    member.get_by_test_id("sign-in").click()
    expect(member.get_by_test_id("signed-in")).to_be_visible()

    chair.reload()
    expect(chair.get_by_test_id(f"present-{seat_rows[4].pk}")).to_be_visible()
    for row in (seat_rows[5], x_row, neighbour_row):
        _tick(chair, row)
    expect(chair.get_by_test_id("quorum-met")).to_be_visible()
    chair.get_by_test_id("open-meeting").click()
    _state(chair, "meeting-state", "opened")

    # --- The four steps, then a show of hands that fails: no consensus.
    _four_steps(chair, [(seat_rows[0], "一楼住户不应分摊"), (x_row, "一楼采光受影响,要求补偿")],
                "hands", "是否同意按楼层系数分摊")
    chair.fill("#id_yes", "3")
    chair.fill("#id_no", "4")
    chair.fill("#id_abstain", "1")
    chair.get_by_test_id("enter-counts").click()
    expect(chair.get_by_test_id("counts")).to_be_visible()
    chair.get_by_test_id("close-vote").click()
    chair.get_by_test_id("confirm-dialog-yes").click()
    expect(chair.get_by_test_id("vote-passed")).to_have_attribute("data-passed", "no")
    expect(chair.get_by_test_id("vote-base")).to_contain_text("8")
    expect(chair.get_by_test_id("vote-required")).to_have_text("5")
    chair.get_by_test_id("console-link").click()
    chair.check("input[name=result][value=no_consensus]")
    chair.fill("#id_conclusion", "分歧较大,补充测算后二次协商")
    chair.get_by_test_id("close-meeting").click()
    chair.get_by_test_id("confirm-dialog-yes").click()
    _state(chair, "meeting-state", "closed")

    # --- The second consultation: a new meeting on the same topic.
    chair.get_by_test_id("topic-link").click()
    _state(chair, "topic-state", "second_pending")
    chair.fill("#time_starts_at", _in_days(5))
    chair.get_by_test_id("schedule-second").click()
    _state(chair, "topic-state", "notified")
    chair.get_by_test_id("console-link").click()
    second = Meeting.objects.get(topic=topic, number=2)
    chair.get_by_test_id("open-sign-in").click()
    for row in [*seat_rows, x_row, neighbour_row]:
        _tick(chair, row)
    chair.get_by_test_id("open-meeting").click()
    _state(chair, "meeting-state", "opened")
    _four_steps(chair, [(neighbour_row, "调整后的方案公平")], "ballot", "是否同意调整后的分摊方案")

    # Secret ballot: two vote on their phones, the rest on paper entered by the secretary.
    for username, choice in (("stakeholder", "yes"), ("neighbour", "no")):
        phone = new_page()
        login(phone, username)
        phone.goto(f"/consult/meetings/{second.pk}/ballot/")
        phone.check(f"input[name=choice][value={choice}]")
        phone.get_by_test_id("cast-ballot").click()
        expect(phone.get_by_test_id("voted")).to_be_visible()
    chair.reload()
    expect(chair.get_by_test_id("tally")).to_contain_text("2")
    expect(chair.get_by_test_id("tally")).to_contain_text("9")
    chair.get_by_test_id("paper-form").locator("xpath=..").locator("summary").click()
    chair.fill("#id_yes", "6")
    chair.fill("#id_no", "0")
    chair.fill("#id_abstain", "1")
    chair.get_by_test_id("enter-paper").click()
    expect(chair.get_by_test_id("tally")).to_contain_text("9")
    chair.get_by_test_id("close-vote").click()
    chair.get_by_test_id("confirm-dialog-yes").click()
    expect(chair.get_by_test_id("vote-passed")).to_have_attribute("data-passed", "yes")
    expect(chair.get_by_test_id("vote-counts")).to_contain_text("7")
    chair.get_by_test_id("console-link").click()
    chair.check("input[name=result][value=consensus]")
    chair.fill("#id_conclusion", MEMO)
    chair.get_by_test_id("close-meeting").click()
    chair.get_by_test_id("confirm-dialog-yes").click()
    _state(chair, "meeting-state", "closed")

    # --- Minutes of both meetings signed by the convener and the recorder.
    chair.get_by_test_id("minutes-link").click()
    expect(chair.get_by_test_id("minutes-body")).to_contain_text("调整后的方案公平")
    _sign_minutes(chair, topic)
    recorder = new_page(TABLET)
    login(recorder, "recorder")
    _sign_minutes(recorder, topic)
    expect(recorder.get_by_test_id("frozen")).to_be_visible()

    # --- Filed and published for seven days.
    chair.goto(f"/consult/topics/{topic.pk}/")
    _state(chair, "topic-state", "minutes_signed")
    chair.get_by_test_id("file").click()
    _state(chair, "topic-state", "filed")

    # --- A major matter: the representatives' meeting passes it before publication.
    reps = [resident(cast["community"], name=f"居民代表{i}") for i in range(3)]
    for person in reps:
        Role.objects.create(person=person, place=cast["community"],
                            kind=RoleKind.REPRESENTATIVE, start=date(2020, 1, 1))
    chair.goto(f"/consult/topics/{topic.pk}/")
    record_representatives_meeting(chair)
    chair.get_by_test_id("assemblies").locator("li a").first.click()
    for person in reps:
        chair.get_by_test_id(f"attend-{person.pk}").click()
    expect(chair.get_by_test_id("assembly-quorum-met")).to_be_visible()
    count_the_hands(chair, yes=3, decision="同意按调整后的方案加装电梯")
    expect(chair.get_by_test_id("assembly-result")).to_be_visible()
    chair.goto(f"/consult/topics/{topic.pk}/")
    chair.fill("#publish_days", "7")
    chair.get_by_test_id("publish").click()
    expect(chair.get_by_test_id("confirm-preview")).to_contain_text(topic.title)
    chair.get_by_test_id("confirm-yes").click()
    _state(chair, "topic-state", "published")
    expect(chair.get_by_test_id("public-notice-link")).to_be_visible()
    expect(chair.get_by_test_id("history").locator("li")).to_have_count(13)

    # --- A signed-out visitor reads the outcome on the public notice board.
    visitor = new_page()
    visitor.goto(f"/public/{cast['community'].pk}/")
    expect(visitor.locator("body")).to_contain_text("1栋加装电梯")
    notice = Notice.objects.get(source_type="consult.topic", source_id=topic.pk)
    visitor.goto(f"/public/notices/{notice.pk}/")
    expect(visitor.locator("body")).to_contain_text(MEMO)
