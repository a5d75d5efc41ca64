"""The meeting console on a phone (issue 13 item 4): the current step first under a sticky
step bar, the sign-in list folded once the meeting opens, a tick undone until the vote, the
sign-in page as a QR code beside the code, the result page leading on, the close form
preselecting what the vote implies, and closing the vote or the meeting only when confirmed."""

from __future__ import annotations

import re
from typing import Any

import pytest
import qrcode
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from yishi.consult import meeting_views, rules, selectors, services
from yishi.consult.models import Attendance, Meeting
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent

from .helpers import held_to_vote, notified, participant, snapshot
from .pages import as_user, cites, refusal_codes

pytestmark = pytest.mark.django_db


def _act(meeting: Meeting, action: str) -> str:
    return reverse("consult:meeting_action", args=[meeting.pk, action])


def _console(meeting: Meeting) -> str:
    return reverse("consult:meeting", args=[meeting.pk])


def _signing_in(cast: dict[str, Any], tree: dict[str, Any]) -> Meeting:
    _topic, meeting = notified(cast, tree)
    return services.open_sign_in(actor=cast["staff_a"].user, meeting=meeting)


def _step(meeting: Meeting, staff: Any, upto: str) -> Meeting:
    """From sign-in (everyone ticked) up to and including the step ``upto``."""
    for p in meeting.plan.participants.all():
        if not Attendance.objects.filter(meeting=meeting, participant=p).exists():
            services.mark_attendance(actor=staff, meeting=meeting, participant=p)
    steps = [("open", lambda: services.open_meeting(actor=staff, meeting=meeting)),
             ("step1", lambda: services.record_convener_explanation(
                 actor=staff, meeting=meeting, summary="来源与规则")),
             ("step2", lambda: services.record_proposer_explanation(
                 actor=staff, meeting=meeting, summary="提议说明")),
             ("step3", lambda: services.open_discussion(actor=staff, meeting=meeting))]
    for name, run in steps:
        run()
        if name == upto:
            break
    meeting.refresh_from_db()
    return meeting


# --- The rule ------------------------------------------------------------------------------


def _facts_without(*, major: bool, quorum: bool) -> rules.Facts:
    """An approved plan, no expert needed; 8 members, with or without two thirds present."""
    return rules.Facts(major=major, technical=False, plan_approved=True, members=8,
                       members_present=6 if quorum else 5, present=9)


@given(state=st.sampled_from(sorted(rules.MEETING_STATES)), spoke=st.booleans(),
       major=st.booleans(), quorum=st.booleans())
def test_a_sign_in_can_be_undone_only_before_the_vote_never_for_a_speaker_nor_below_the_quorum(
        state: str, spoke: bool, major: bool, quorum: bool) -> None:
    opened = state != rules.MeetingState.SIGNING_IN
    if state not in rules.SIGN_IN_STATES:
        expected: str | None = "sign_in_closed"
    elif spoke:
        expected = "spoke"
    elif opened and major and not quorum:
        expected = "quorum"
    else:
        expected = None
    try:
        rules.check_undo_sign_in(state=state, spoke=spoke,
                                 without=_facts_without(major=major, quorum=quorum))
    except RuleViolation as error:
        assert error.rule == expected
        assert error.clause == (rules.CLAUSE_PREPARATION if expected == "quorum"
                                else rules.CLAUSE_MEETING)
    else:
        assert expected is None


def test_the_vote_states_refuse_an_undo() -> None:
    for state in (rules.MeetingState.VOTING, rules.MeetingState.VOTED,
                  rules.MeetingState.CLOSED, rules.MeetingState.SCHEDULED):
        with pytest.raises(RuleViolation):
            rules.check_undo_sign_in(state=state, spoke=False,
                                     without=_facts_without(major=False, quorum=True))


# --- The service ---------------------------------------------------------------------------


def test_a_tick_is_undone_in_one_audited_event_and_the_quorum_counts_follow(tree,
                                                                            cast) -> None:
    meeting = _signing_in(cast, tree)
    staff = cast["staff_a"].user
    row = participant(meeting, cast["committee"][0])
    services.mark_attendance(actor=staff, meeting=meeting, participant=row)
    assert selectors.attendance_counts(meeting)[:3:2] == (1, 1)
    events = AuditEvent.objects.count()
    services.undo_sign_in(actor=staff, meeting=meeting, participant=row)
    assert not Attendance.objects.filter(meeting=meeting, participant=row).exists()
    assert selectors.attendance_counts(meeting)[:3:2] == (0, 0)
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.latest("pk")
    assert event.action == "meeting.undo_sign_in" and event.actor == staff
    assert event.before["participant"] == row.pk and event.before["method"] == "staff"
    assert event.after == {"participant": row.pk, "present": 0}
    # Ticked again, the person counts once more.
    services.mark_attendance(actor=staff, meeting=meeting, participant=row)
    assert Attendance.objects.filter(meeting=meeting).count() == 1


def test_a_participants_own_sign_in_with_the_code_can_be_undone_and_the_audit_says_so(
        tree, cast) -> None:
    meeting = _signing_in(cast, tree)
    services.sign_in_with_code(actor=cast["neighbour"].user, meeting=meeting,
                               code=meeting.sign_in_code)
    row = participant(meeting, cast["neighbour"])
    services.undo_sign_in(actor=cast["staff_a"].user, meeting=meeting, participant=row)
    event = AuditEvent.objects.latest("pk")
    assert event.action == "meeting.undo_sign_in" and event.before["method"] == "code"
    assert not meeting.attendance.exists()


def test_an_undo_is_allowed_after_the_opening_until_the_vote(tree, cast) -> None:
    meeting = _signing_in(cast, tree)
    staff = cast["staff_a"].user
    meeting = _step(meeting, staff, "step2")
    row = participant(meeting, cast["neighbour"])
    services.undo_sign_in(actor=staff, meeting=meeting, participant=row)
    assert meeting.attendance.count() == meeting.plan.participants.count() - 1


def test_an_opened_major_meeting_keeps_the_member_its_two_thirds_needed(tree, cast) -> None:
    meeting = _signing_in(cast, tree)
    staff = cast["staff_a"].user
    members = [participant(meeting, m) for m in cast["committee"][:6]]  # 6 of 8: 2/3
    for row in members:
        services.mark_attendance(actor=staff, meeting=meeting, participant=row)
    # Before the opening the quorum is not yet asked: a member's tick can go and come back.
    services.undo_sign_in(actor=staff, meeting=meeting, participant=members[0])
    services.mark_attendance(actor=staff, meeting=meeting, participant=members[0])
    neighbour = participant(meeting, cast["neighbour"])
    services.mark_attendance(actor=staff, meeting=meeting, participant=neighbour)
    services.open_meeting(actor=staff, meeting=meeting)
    before = snapshot()
    with pytest.raises(RuleViolation) as refused:
        services.undo_sign_in(actor=staff, meeting=meeting, participant=members[0])
    assert refused.value.rule == "quorum" and refused.value.clause == rules.CLAUSE_PREPARATION
    assert "1" in refused.value.message and snapshot() == before
    # Someone who is not on the committee can still be taken off.
    services.undo_sign_in(actor=staff, meeting=meeting, participant=neighbour)
    assert meeting.attendance.count() == 6


def test_an_undo_after_the_vote_opened_is_refused_with_the_clause_and_writes_nothing(
        tree, cast) -> None:
    _topic, meeting = held_to_vote(cast, tree)
    row = participant(meeting, cast["neighbour"])
    before = snapshot()
    with pytest.raises(RuleViolation) as refused:
        services.undo_sign_in(actor=cast["staff_a"].user, meeting=meeting, participant=row)
    assert refused.value.rule == "sign_in_closed"
    assert refused.value.clause == rules.CLAUSE_MEETING
    assert snapshot() == before


def test_a_speaker_stays_signed_in_and_an_absent_one_cannot_be_undone(tree, cast) -> None:
    meeting = _signing_in(cast, tree)
    staff = cast["staff_a"].user
    meeting = _step(meeting, staff, "step3")
    speaker = participant(meeting, cast["neighbour"])
    services.add_speech(actor=staff, meeting=meeting, participant=speaker, opinion="支持")
    before = snapshot()
    with pytest.raises(RuleViolation) as refused:
        services.undo_sign_in(actor=staff, meeting=meeting, participant=speaker)
    assert refused.value.rule == "spoke" and snapshot() == before
    other = participant(meeting, cast["stakeholder"])
    services.undo_sign_in(actor=staff, meeting=meeting, participant=other)
    with pytest.raises(RuleViolation) as refused:
        services.undo_sign_in(actor=staff, meeting=meeting, participant=other)
    assert refused.value.rule == "not_present"


def test_only_the_committees_staff_undo_a_sign_in(tree, cast) -> None:
    meeting = _signing_in(cast, tree)
    row = participant(meeting, cast["neighbour"])
    services.mark_attendance(actor=cast["staff_a"].user, meeting=meeting, participant=row)
    before = snapshot()
    for who in ("neighbour", "staff_b", "resident_a"):
        with pytest.raises(PermissionDenied):
            services.undo_sign_in(actor=cast[who].user, meeting=meeting, participant=row)
    assert snapshot() == before


# --- The console ---------------------------------------------------------------------------


def _quorum_figures(page: str) -> list[int]:
    at = page.index('data-testid="quorum"')
    words = re.sub(r"<[^>]+>", " ", page[at:page.index("</summary>", at)])
    return [int(n) for n in re.findall(r"\d+", words.replace("2/3", ""))]


def test_the_undo_button_swaps_the_list_with_htmx_and_the_trail_reads_it(client, tree,
                                                                         cast) -> None:
    meeting = _signing_in(cast, tree)
    row = participant(meeting, cast["committee"][0])
    c = as_user(client, cast["staff_a"])
    page = c.post(reverse("consult:tick", args=[meeting.pk, row.pk]),
                  HTTP_HX_REQUEST="true").content.decode()
    assert f'data-testid="untick-{row.pk}"' in page
    assert _quorum_figures(page) == [1, 8, 1, 5]  # present; 1 of the 8 members; 5 missing
    page = c.post(reverse("consult:untick", args=[meeting.pk, row.pk]),
                  HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in page and f'data-testid="tick-{row.pk}"' in page
    assert f'data-testid="present-{row.pk}"' not in page
    assert _quorum_figures(page) == [0, 8, 0, 6]
    assert not Attendance.objects.filter(meeting=meeting).exists()
    trail = c.get(reverse("consult:topic", args=[meeting.topic_id])).content.decode()
    trail = trail[trail.index('data-testid="audit"'):]
    assert "撤销了一名参与人的签到" in trail and "undo_sign_in" not in trail


def test_the_undo_refused_in_the_list_says_why_with_the_clause(client, tree, cast) -> None:
    meeting = _signing_in(cast, tree)
    meeting = _step(meeting, cast["staff_a"].user, "step3")
    speaker = participant(meeting, cast["neighbour"])
    services.add_speech(actor=cast["staff_a"].user, meeting=meeting, participant=speaker,
                        opinion="支持")
    c = as_user(client, cast["staff_a"])
    console = c.get(_console(meeting)).content.decode()
    assert f'data-testid="untick-{speaker.pk}"' not in console  # no button for a speaker
    other = participant(meeting, cast["stakeholder"])
    assert f'data-testid="untick-{other.pk}"' in console
    before = snapshot()
    page = c.post(reverse("consult:untick", args=[meeting.pk, speaker.pk]),
                  HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="refusal"' in page and snapshot() == before
    message = page[page.index('data-testid="refusal"'):]
    assert cites(message, rules.CLAUSE_MEETING) and "spoke" not in message
    response = c.post(reverse("consult:untick", args=[meeting.pk, speaker.pk]))
    assert refusal_codes(response) == ["spoke"] and snapshot() == before


def test_no_undo_button_once_the_vote_is_open(client, tree, cast) -> None:
    _topic, meeting = held_to_vote(cast, tree)
    page = as_user(client, cast["staff_a"]).get(_console(meeting)).content.decode()
    assert 'data-testid="untick-' not in page and 'data-testid="present-' in page


def _path_modules(svg: str) -> set[tuple[int, int]]:
    path = re.search(r'<path d="([^"]+)"', svg)
    assert path is not None
    return {(int(x), int(y)) for x, y in re.findall(r"M(\d+) (\d+)h1v1h-1z", path.group(1))}


def _matrix_modules(url: str) -> set[tuple[int, int]]:
    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(url)
    qr.make(fit=True)
    return {(x, y) for y, row in enumerate(qr.get_matrix()) for x, dark in enumerate(row)
            if dark}


def test_the_qr_code_is_the_matrix_of_the_exact_address() -> None:
    url = "https://yishi.example.cn/consult/meetings/12/sign-in/"
    svg = meeting_views.sign_in_qr(url)
    assert svg.startswith("<svg") and 'data-testid="sign-in-qr"' in svg
    assert _path_modules(svg) == _matrix_modules(url)
    assert _path_modules(svg) != _matrix_modules(url.replace("12", "13"))


def test_the_qr_code_and_the_code_show_only_while_sign_in_is_open(client, tree, cast) -> None:
    topic, meeting = notified(cast, tree)
    c = as_user(client, cast["staff_a"])
    assert 'data-testid="sign-in-qr"' not in c.get(_console(meeting)).content.decode()
    c.post(_act(meeting, "open_sign_in"))
    meeting.refresh_from_db()
    page = c.get(_console(meeting)).content.decode()
    url = "http://testserver" + reverse("consult:sign_in", args=[meeting.pk])
    svg = page[page.index("<svg class=\"qr\""):page.index("</svg>", page.index("<svg class"))]
    assert _path_modules(svg) == _matrix_modules(url)
    assert f'data-testid="sign-in-code">{meeting.sign_in_code}<' in page
    assert f'href="{url}"' in page
    # Latecomers still sign in after the opening: the code stays, folded with the list.
    meeting = _step(meeting, cast["staff_a"].user, "step3")
    page = c.get(_console(meeting)).content.decode()
    assert 'data-testid="sign-in-qr"' in page and meeting.sign_in_code in page
    services.open_vote(actor=cast["staff_a"].user, meeting=meeting, method="hands",
                       question="是否同意")
    page = c.get(_console(meeting)).content.decode()
    assert 'data-testid="sign-in-qr"' not in page and 'data-testid="sign-in-code"' not in page


def _attendance_tag(page: str) -> str:
    at = page.index('id="attendance"')
    return page[page.rindex("<details", 0, at):page.index(">", at)]


def test_the_current_step_comes_first_and_the_list_folds_once_open(client, tree,
                                                                   cast) -> None:
    meeting = _signing_in(cast, tree)
    c = as_user(client, cast["staff_a"])
    page = c.get(_console(meeting)).content.decode()
    assert 'class="steps-bar sticky"' in page
    assert " open" in _attendance_tag(page)  # sign-in is the step: the list is open, first
    assert page.index('data-testid="attendance"') < page.index('data-testid="open-meeting"')
    meeting = _step(meeting, cast["staff_a"].user, "open")
    page = c.get(_console(meeting)).content.decode()
    assert " open" not in _attendance_tag(page)
    assert page.index('data-testid="steps-bar"') < page.index('data-testid="step1-form"') \
        < page.index('data-testid="attendance"')
    # A latecomer ticked after the opening: the swapped list stays open where it was tapped.
    row = participant(meeting, cast["neighbour"])
    services.undo_sign_in(actor=cast["staff_a"].user, meeting=meeting, participant=row)
    page = c.post(reverse("consult:tick", args=[meeting.pk, row.pk]),
                  HTTP_HX_REQUEST="true").content.decode()
    assert " open" in _attendance_tag(page)


def _checked(page: str) -> list[str]:
    return re.findall(r'<input type="radio" name="result" value="([a-z_]+)"[^>]*checked', page)


@pytest.mark.parametrize("yes,no,implied", [(9, 0, "consensus"), (2, 7, "no_consensus")])
def test_the_close_form_preselects_what_the_vote_implies(client, tree, cast, yes, no,
                                                         implied) -> None:
    _topic, meeting = held_to_vote(cast, tree)
    c = as_user(client, cast["staff_a"])
    services.record_show_of_hands(actor=cast["staff_a"].user, meeting=meeting, yes=yes, no=no,
                                  abstain=0)
    services.close_vote(actor=cast["staff_a"].user, meeting=meeting)
    page = c.get(_console(meeting)).content.decode()
    assert _checked(page) == [implied]
    assert 'data-testid="implied-result"' in page


def test_implied_result_of_no_vote_or_an_open_one_is_none(tree, cast) -> None:
    assert meeting_views.implied_result(None) is None
    _topic, meeting = held_to_vote(cast, tree)
    assert meeting_views.implied_result(meeting.vote) is None


def test_closing_the_vote_unconfirmed_asks_and_writes_nothing_confirmed_it_acts(
        client, tree, cast) -> None:
    _topic, meeting = held_to_vote(cast, tree)
    c = as_user(client, cast["staff_a"])
    c.post(_act(meeting, "hands"), {"yes": 6, "no": 2, "abstain": 1})
    console = c.get(_console(meeting)).content.decode()
    form = console[console.index('data-testid="close-vote-form"') - 200:]
    assert 'data-confirm="确定结束表决并计票吗？"' in form and "data-confirm-detail=" in form
    before = snapshot()
    response = c.post(_act(meeting, "close_vote"))
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="confirm-page"' in page
    assert "确定结束表决并计票吗？" in page and 'name="confirmed" value="1"' in page
    assert f'href="{_console(meeting)}"' in page  # 取消 goes back to the console
    assert snapshot() == before
    response = c.post(_act(meeting, "close_vote"), {"confirmed": "1"})
    assert response["Location"] == reverse("consult:result", args=[meeting.pk])
    meeting.refresh_from_db()
    assert meeting.state == "voted"


def test_closing_the_meeting_unconfirmed_asks_with_the_same_fields(client, tree, cast) -> None:
    _topic, meeting = held_to_vote(cast, tree)
    staff = cast["staff_a"].user
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=9, no=0, abstain=0)
    services.close_vote(actor=staff, meeting=meeting)
    c = as_user(client, cast["staff_a"])
    assert 'data-confirm="确定以此结果结束会议吗？"' in c.get(_console(meeting)).content.decode()
    before = snapshot()
    data = {"result": "consensus", "conclusion": "共识纪要：同意"}
    page = c.post(_act(meeting, "close"), data).content.decode()
    assert 'data-testid="confirm-page"' in page and snapshot() == before
    assert '<input type="hidden" name="result" value="consensus">' in page
    assert '<input type="hidden" name="conclusion" value="共识纪要：同意">' in page
    c.post(_act(meeting, "close"), {**data, "confirmed": "1"})
    meeting.refresh_from_db()
    assert meeting.state == "closed" and meeting.conclusion == "共识纪要：同意"


def test_a_close_that_cannot_be_taken_is_refused_at_once_without_a_question(client, tree,
                                                                            cast) -> None:
    _topic, meeting = held_to_vote(cast, tree)
    c = as_user(client, cast["staff_a"])
    before = snapshot()
    # The vote is still open: closing the meeting is out of order, said at once.
    response = c.post(_act(meeting, "close"), {"result": "no_consensus", "conclusion": ""})
    assert response.status_code == 302 and refusal_codes(response) == ["transition"]
    assert snapshot() == before
    c.get(_console(meeting))  # the refusal is shown
    # No result chosen: the form's error, not a question.
    services.record_show_of_hands(actor=cast["staff_a"].user, meeting=meeting, yes=9, no=0,
                                  abstain=0)
    services.close_vote(actor=cast["staff_a"].user, meeting=meeting)
    before = snapshot()
    response = c.post(_act(meeting, "close"), {"conclusion": "x"})
    assert response.status_code == 302 and refusal_codes(response) == ["input"]
    assert snapshot() == before


def test_the_result_page_leads_to_the_next_step(client, tree, cast) -> None:
    _topic, meeting = held_to_vote(cast, tree)
    staff = cast["staff_a"].user
    c = as_user(client, cast["staff_a"])
    url = reverse("consult:result", args=[meeting.pk])
    assert 'data-testid="to-console"' in c.get(url).content.decode()
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=9, no=0, abstain=0)
    services.close_vote(actor=staff, meeting=meeting)
    page = c.get(url).content.decode()
    assert f'href="{_console(meeting)}#close-meeting" data-testid="to-close"' in page
    assert 'id="close-meeting"' in c.get(_console(meeting)).content.decode()
    services.close_meeting(actor=staff, meeting=meeting, result="consensus", conclusion="共识")
    page = c.get(url).content.decode()
    assert reverse("consult:minutes", args=[meeting.pk]) in page
    assert 'data-testid="to-minutes"' in page and 'data-testid="to-topic"' in page
    # Residents read the result without the staff's next step.
    page = as_user(client, cast["neighbour"]).get(url).content.decode()
    assert 'data-testid="next-step"' not in page
