"""Browser journey of issue 13 item 4: the chair runs a meeting on the phone (390×844).

Sign-in opens with a QR code beside the code; a participant scans it (opens the address the
QR code encodes) on her own phone, signs in to the site and then to the meeting with the
code. The chair ticks someone present and undoes it (the topic's audit trail reads both as
sentences), runs the four steps under the sticky step bar, closes the vote after saying 取消
once, closes the meeting with the result the vote implies, and goes on through the minutes
to publication. No page scrolls sideways. Elements are found by data-testid, id or name.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import qrcode
from playwright.sync_api import expect

from yishi.conftest import login
from yishi.consult.models import Attendance, Meeting, Vote
from yishi.places.tests.factories import PASSWORD

from .helpers import notified, participant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
MEMO = "共识纪要：在北门增设电动自行车充电棚，费用由维修基金列支"


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width)


def _state(page: Any, state: str) -> None:
    expect(page.get_by_test_id("meeting-state")).to_have_attribute("data-state", state)


def _qr_modules(svg: str) -> set[tuple[int, int]]:
    path = re.search(r'<path d="([^"]+)"', svg)
    assert path is not None
    return {(int(x), int(y)) for x, y in re.findall(r"M(\d+) (\d+)h1v1h-1z", path.group(1))}


def _modules_of(url: str) -> set[tuple[int, int]]:
    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(url)
    qr.make(fit=True)
    return {(x, y) for y, row in enumerate(qr.get_matrix()) for x, dark in enumerate(row)
            if dark}


def test_the_chair_runs_a_meeting_on_the_phone(new_page, tree, cast) -> None:
    topic, meeting = notified(cast, tree, major=False, title="北门充电棚")
    neighbour = participant(meeting, cast["neighbour"])
    member = participant(meeting, cast["committee"][0])
    others = [p for p in meeting.plan.participants.all() if p.pk != neighbour.pk]

    chair = new_page(PHONE)
    login(chair, "staff_a")
    chair.goto(f"/consult/meetings/{meeting.pk}/")
    _state(chair, "scheduled")
    _no_sideways_scroll(chair)

    # --- Sign-in opens: the QR code and the six-digit code beside it.
    chair.get_by_test_id("open-sign-in").click()
    _state(chair, "signing_in")
    expect(chair.get_by_test_id("sign-in-qr")).to_be_visible()
    code = chair.get_by_test_id("sign-in-code").inner_text().strip()
    assert re.fullmatch(r"\d{6}", code)
    url = chair.get_by_test_id("sign-in-url").get_attribute("href")
    assert url and url.startswith("http") and url.endswith(f"/consult/meetings/{meeting.pk}/sign-in/")
    svg = chair.get_by_test_id("sign-in-qr").evaluate("e => e.outerHTML")
    assert _qr_modules(svg) == _modules_of(url)  # the QR code is that address
    _no_sideways_scroll(chair)

    # --- The participant scans it: the address opens, she signs in to the site, then with
    # the code.
    phone = new_page(PHONE)
    phone.goto(url)
    phone.fill("#id_username", "neighbour")
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    expect(phone.get_by_test_id("sign-in-form")).to_be_visible()
    _no_sideways_scroll(phone)
    phone.fill("#id_code", code)
    phone.get_by_test_id("sign-in").click()
    expect(phone.get_by_test_id("signed-in")).to_be_visible()
    _no_sideways_scroll(phone)
    chair.reload()
    expect(chair.get_by_test_id(f"present-{neighbour.pk}")).to_be_visible()

    # --- A tick and its undo; the quorum line follows.
    quorum = chair.get_by_test_id("quorum")
    expect(quorum).to_contain_text("1")
    chair.get_by_test_id(f"tick-{member.pk}").click()
    expect(chair.get_by_test_id(f"present-{member.pk}")).to_be_visible()
    expect(quorum).to_contain_text("2")
    chair.get_by_test_id(f"untick-{member.pk}").click()
    expect(chair.get_by_test_id(f"tick-{member.pk}")).to_be_visible()
    expect(chair.get_by_test_id(f"present-{member.pk}")).to_have_count(0)
    assert not Attendance.objects.filter(meeting=meeting, participant=member).exists()
    _no_sideways_scroll(chair)

    chair.get_by_test_id("topic-link").click()
    chair.get_by_test_id("audit").locator("xpath=..").locator("summary").click()
    trail = chair.get_by_test_id("audit")
    expect(trail).to_contain_text("撤销了一名参与人的签到")
    expect(trail).not_to_contain_text("undo_sign_in")
    _no_sideways_scroll(chair)
    chair.go_back()

    # --- Everyone else present; the meeting opens and the list folds away.
    chair.reload()
    for p in others:
        chair.get_by_test_id(f"tick-{p.pk}").click()
        expect(chair.get_by_test_id(f"present-{p.pk}")).to_be_visible()
    chair.get_by_test_id("open-meeting").click()
    _state(chair, "opened")
    expect(chair.locator("#attendance")).not_to_have_attribute("open", "")
    expect(chair.get_by_test_id(f"present-{member.pk}")).to_be_hidden()

    # --- The four steps: the current step is first, the step bar stays at the top.
    chair.fill("#id_summary", "议题来源：居民反映；审查：属公共治理；规则：一人一次发言")
    chair.get_by_test_id("step1").click()
    _state(chair, "step1")
    chair.fill("#id_summary", "提议人说明充电棚的位置与费用")
    chair.get_by_test_id("step2").click()
    _state(chair, "step2")
    chair.get_by_test_id("step3").click()
    _state(chair, "step3")
    chair.select_option("#id_participant", str(neighbour.pk))
    chair.fill("#id_opinion", "同意，充电棚要远离窗户")
    chair.get_by_test_id("add-speech").click()
    expect(chair.get_by_test_id("speeches")).to_contain_text("远离窗户")
    chair.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    bar = chair.get_by_test_id("steps-bar").bounding_box()
    assert bar is not None and bar["y"] <= 1  # stuck to the top while scrolled down
    chair.evaluate("window.scrollTo(0, 0)")
    _no_sideways_scroll(chair)
    chair.check("input[name=method][value=hands]")
    chair.fill("#id_question", "是否同意在北门增设充电棚")
    chair.get_by_test_id("open-vote").click()
    _state(chair, "step4")
    chair.fill("#id_yes", "7")
    chair.fill("#id_no", "1")
    chair.fill("#id_abstain", "1")
    chair.get_by_test_id("enter-counts").click()
    expect(chair.get_by_test_id("counts")).to_be_visible()

    # --- Closing the vote asks first: 取消 changes nothing, 确认 closes it.
    dialog = chair.get_by_test_id("confirm-dialog")
    chair.get_by_test_id("close-vote").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("确定结束表决并计票吗？")
    _no_sideways_scroll(chair)
    chair.get_by_test_id("confirm-dialog-no").click()
    expect(dialog).to_be_hidden()
    _state(chair, "step4")
    assert Vote.objects.get(meeting=meeting).closed_at is None
    chair.get_by_test_id("close-vote").click()
    chair.get_by_test_id("confirm-dialog-yes").click()
    expect(chair.get_by_test_id("vote-passed")).to_have_attribute("data-passed", "yes")
    _no_sideways_scroll(chair)

    # --- The result page leads to the close form, which has the result the vote implies.
    chair.get_by_test_id("to-close").click()
    _state(chair, "voted")
    expect(chair.locator("input[name=result][value=consensus]")).to_be_checked()
    chair.fill("#id_conclusion", MEMO)
    chair.get_by_test_id("close-meeting").click()
    expect(dialog).to_contain_text("确定以此结果结束会议吗？")
    chair.get_by_test_id("confirm-dialog-yes").click()
    _state(chair, "closed")
    assert Meeting.objects.get(pk=meeting.pk).result == "consensus"
    _no_sideways_scroll(chair)

    # --- On to publication: the minutes signed by the convener and the recorder, filed,
    # then published after its confirmation.
    chair.get_by_test_id("minutes-link").click()
    chair.get_by_test_id("sign-minutes").click()
    expect(chair.get_by_test_id("sign-minutes")).to_have_count(0)
    _no_sideways_scroll(chair)
    recorder = new_page(PHONE)
    login(recorder, "recorder_a")
    recorder.goto(f"/consult/meetings/{meeting.pk}/minutes/")
    recorder.get_by_test_id("sign-minutes").click()
    expect(recorder.get_by_test_id("frozen")).to_be_visible()
    chair.goto(f"/consult/topics/{topic.pk}/")
    expect(chair.get_by_test_id("topic-state")).to_have_attribute("data-state", "minutes_signed")
    chair.get_by_test_id("file").click()
    expect(chair.get_by_test_id("topic-state")).to_have_attribute("data-state", "filed")
    chair.fill("#publish_days", "7")
    chair.get_by_test_id("publish").click()
    expect(chair.get_by_test_id("confirm-page")).to_be_visible()
    expect(chair.get_by_test_id("confirm-preview")).to_contain_text("北门充电棚")
    _no_sideways_scroll(chair)
    chair.get_by_test_id("confirm-yes").click()
    expect(chair.get_by_test_id("topic-state")).to_have_attribute("data-state", "published")
    _no_sideways_scroll(chair)
