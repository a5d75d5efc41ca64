"""The meeting console, the participants' phones, the result page and the minutes."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from yishi.consult import services
from yishi.consult.models import Attendance, BallotBox, Meeting, Minutes

from .helpers import held_to_vote, notified, participant, snapshot
from .pages import as_user, cites, refusal_codes, refusals

pytestmark = pytest.mark.django_db


def _act(meeting: Meeting, action: str) -> str:
    return reverse("consult:meeting_action", args=[meeting.pk, action])


def _console(meeting: Meeting) -> str:
    return reverse("consult:meeting", args=[meeting.pk])


def _signing_in(cast: dict[str, Any], tree: dict[str, Any]) -> Meeting:
    _topic, meeting = notified(cast, tree)
    return services.open_sign_in(actor=cast["staff_a"].user, meeting=meeting)


def test_console_opens_sign_in_and_shows_the_code_large(client, tree, cast) -> None:
    _topic, meeting = notified(cast, tree)
    c = as_user(client, cast["staff_a"])
    assert 'data-testid="open-sign-in"' in c.get(_console(meeting)).content.decode()
    page = c.post(_act(meeting, "open_sign_in"), follow=True).content.decode()
    meeting.refresh_from_db()
    assert meeting.state == "signing_in"
    assert f'data-testid="sign-in-code">{meeting.sign_in_code}<' in page


def test_one_tap_ticks_a_participant_present_with_htmx(client, tree, cast) -> None:
    meeting = _signing_in(cast, tree)
    row = participant(meeting, cast["committee"][0])
    c = as_user(client, cast["staff_a"])
    url = reverse("consult:tick", args=[meeting.pk, row.pk])
    page = c.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert f'data-testid="present-{row.pk}"' in page and "<html" not in page
    assert Attendance.objects.filter(meeting=meeting, participant=row).count() == 1
    # A second tap on the same person counts once and says so.
    before = snapshot()
    page = c.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="refusal"' in page and snapshot() == before


def test_a_major_meeting_without_two_thirds_is_refused_saying_how_many_are_missing(
        client, tree, cast) -> None:
    meeting = _signing_in(cast, tree)
    c = as_user(client, cast["staff_a"])
    for person in cast["committee"][:4]:
        c.post(reverse("consult:tick", args=[meeting.pk, participant(meeting, person).pk]))
    page = c.get(_console(meeting)).content.decode()
    assert 'data-missing="2"' in page  # 4 of 8 (7 + X): 6 needed
    before = snapshot()
    response = c.post(_act(meeting, "open"))
    [message] = refusals(response)
    assert refusal_codes(response) == ["quorum"]
    assert cites(message, "000 §(二)(4)2") and "2" in message and "quorum" not in message
    assert snapshot() == before


def test_the_four_steps_in_order_then_a_show_of_hands(client, tree, cast) -> None:
    meeting = _signing_in(cast, tree)
    c = as_user(client, cast["staff_a"])
    for p in meeting.plan.participants.all():
        c.post(reverse("consult:tick", args=[meeting.pk, p.pk]))
    # A vote before the steps is refused, naming the order rule.
    before = snapshot()
    response = c.post(_act(meeting, "open_vote"), {"method": "hands", "question": "是否同意"})
    assert refusal_codes(response) == ["vote_order"] and snapshot() == before
    c.post(_act(meeting, "open"))
    c.post(_act(meeting, "convener_explains"), {"summary": "来源与规则"})
    c.post(_act(meeting, "proposer_explains"), {"summary": "提议说明"})
    c.post(_act(meeting, "open_discussion"), {})
    speaker = participant(meeting, cast["neighbour"])
    c.post(_act(meeting, "speech"), {"participant": speaker.pk, "opinion": "支持加装"})
    page = c.get(_console(meeting)).content.decode()
    assert "支持加装" in page and 'data-testid="vote-form"' in page
    c.post(_act(meeting, "open_vote"), {"method": "hands", "question": "是否同意"})
    # More hands than people present is refused.
    before = snapshot()
    response = c.post(_act(meeting, "hands"), {"yes": 9, "no": 1, "abstain": 0})
    assert refusal_codes(response) == ["votes_exceed_present"] and snapshot() == before
    c.post(_act(meeting, "hands"), {"yes": 6, "no": 2, "abstain": 1})
    response = c.post(_act(meeting, "close_vote"), {"confirmed": "1"})
    assert response["Location"] == reverse("consult:result", args=[meeting.pk])
    page = c.get(response["Location"]).content.decode()
    assert 'data-passed="yes"' in page and 'data-testid="vote-arithmetic"' in page
    assert 'data-testid="vote-required">5<' in page  # more than half of 9


def test_the_result_page_shows_the_rule_base_and_arithmetic(client, tree, cast) -> None:
    _topic, meeting = held_to_vote(cast, tree)
    staff = cast["staff_a"].user
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=4, no=4, abstain=1)
    services.close_vote(actor=staff, meeting=meeting)
    page = as_user(client, cast["staff_a"]).get(
        reverse("consult:result", args=[meeting.pk])).content.decode()
    assert 'data-passed="no"' in page
    explanation = Meeting.objects.get(pk=meeting.pk).vote.explanation()
    assert explanation.text in page and explanation.rule in page


def test_secret_ballot_on_phones_and_paper_and_the_console_counts_only(client, tree,
                                                                      cast) -> None:
    _topic, meeting = held_to_vote(cast, tree, method="ballot")
    ballot_url = reverse("consult:ballot", args=[meeting.pk])
    voter = as_user(client, cast["neighbour"])
    assert 'data-testid="ballot-form"' in voter.get(ballot_url).content.decode()
    voter.post(ballot_url, {"choice": "no"})
    assert 'data-testid="voted"' in voter.get(ballot_url).content.decode()
    before = snapshot()
    response = voter.post(ballot_url, {"choice": "yes"})
    assert response.status_code == 400 and snapshot() == before
    response = voter.post(ballot_url, {"choice": "maybe"})
    assert response.status_code == 400 and snapshot() == before

    c = as_user(client, cast["staff_a"])
    tally = c.get(reverse("consult:tally", args=[meeting.pk])).content.decode()
    assert "1" in tally and "9" in tally and cast["neighbour"].name not in tally
    before = snapshot()
    response = c.post(_act(meeting, "paper"), {"yes": 8, "no": 1, "abstain": 0})
    assert refusal_codes(response) == ["votes_exceed_present"] and snapshot() == before
    c.post(_act(meeting, "paper"), {"yes": 7, "no": 0, "abstain": 1})
    box = BallotBox.objects.get(vote__meeting=meeting)
    assert (box.cast, box.paper) == (9, 8)
    c.post(_act(meeting, "close_vote"), {"confirmed": "1"})
    meeting.refresh_from_db()
    assert (meeting.vote.yes, meeting.vote.no, meeting.vote.passed) == (7, 1, True)


def test_participant_signs_in_with_the_code(client, tree, cast) -> None:
    meeting = _signing_in(cast, tree)
    url = reverse("consult:sign_in", args=[meeting.pk])
    c = as_user(client, cast["neighbour"])
    page = c.get(url).content.decode()
    at = page.index('data-testid="sign-in"')
    button = page[at:page.index("</button>", at)]
    assert "签到" in button and "登录" not in button  # attendance, not the account's sign-in
    before = snapshot()
    response = c.post(url, {"code": "000000" if meeting.sign_in_code != "000000" else "111111"})
    assert response.status_code == 400 and snapshot() == before
    response = c.post(url, {"code": ""})
    assert response.status_code == 400 and snapshot() == before
    c.post(url, {"code": meeting.sign_in_code})
    assert 'data-testid="signed-in"' in c.get(url).content.decode()
    assert Attendance.objects.filter(meeting=meeting, method="code").count() == 1


@pytest.mark.parametrize("who", ["resident_a", "resident_b", "staff_a", "staff_b"])
def test_participant_pages_are_404_for_non_participants(client, tree, cast, who) -> None:
    meeting = _signing_in(cast, tree)
    c = as_user(client, cast[who])
    before = snapshot()
    for name in ("sign_in", "ballot"):
        url = reverse(f"consult:{name}", args=[meeting.pk])
        assert c.get(url).status_code == 404
        assert c.post(url, {"code": meeting.sign_in_code, "choice": "yes"}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("who", ["resident_a", "neighbour", "staff_b", "party_b"])
def test_console_pages_are_404_for_residents_and_other_communities(client, tree, cast,
                                                                    who) -> None:
    _topic, meeting = held_to_vote(cast, tree)
    row = participant(meeting, cast["neighbour"])
    c = as_user(client, cast[who])
    before = snapshot()
    for url in (_console(meeting), reverse("consult:tally", args=[meeting.pk])):
        assert c.get(url).status_code == 404
    assert c.post(_act(meeting, "hands"), {"yes": 1, "no": 0, "abstain": 0}).status_code == 404
    assert c.post(reverse("consult:tick", args=[meeting.pk, row.pk])).status_code == 404
    assert c.post(reverse("consult:untick", args=[meeting.pk, row.pk])).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("action,data", [
    ("hands", {"yes": "-1", "no": "0", "abstain": "0"}),
    ("hands", {"yes": "many"}),
    ("hands", {"yes": "99999999999999999999", "no": "0", "abstain": "0"}),
    ("paper", {"yes": "1", "no": "0", "abstain": "0"}),
    ("speech", {"participant": "999999", "opinion": "x"}),
    ("speech", {"participant": "abc", "opinion": ""}),
    ("open_vote", {"method": "telepathy", "question": "q"}),
    ("close", {"result": "consensus", "conclusion": ""}),
    ("close", {"result": "victory"}),
    ("cancel", {"reason": ""}),
    ("open", {}),
    ("convener_explains", {"summary": "x" * 5000}),
])
def test_odd_console_input_is_refused_and_writes_nothing(client, tree, cast, action,
                                                         data) -> None:
    _topic, meeting = held_to_vote(cast, tree)
    before = snapshot()
    response = as_user(client, cast["staff_a"]).post(_act(meeting, action), data)
    assert response.status_code == 302 and refusals(response)
    assert snapshot() == before


def test_unknown_console_action_and_foreign_participant_are_404(client, tree, cast) -> None:
    _topic, meeting = held_to_vote(cast, tree)
    c = as_user(client, cast["staff_a"])
    assert c.post(_act(meeting, "dance")).status_code == 404
    assert c.post(reverse("consult:tick", args=[meeting.pk, 999999])).status_code == 404
    assert c.post(reverse("consult:untick", args=[meeting.pk, 999999])).status_code == 404
    assert c.get("/consult/meetings/999999/").status_code == 404


def _closed_with_consensus(cast: dict[str, Any], tree: dict[str, Any]) -> Meeting:
    _topic, meeting = held_to_vote(cast, tree)
    staff = cast["staff_a"].user
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=9, no=0, abstain=0)
    services.close_vote(actor=staff, meeting=meeting)
    return meeting


def test_closing_with_consensus_over_a_failed_vote_is_refused(client, tree, cast) -> None:
    _topic, meeting = held_to_vote(cast, tree)
    staff = cast["staff_a"].user
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=2, no=7, abstain=0)
    services.close_vote(actor=staff, meeting=meeting)
    c = as_user(client, cast["staff_a"])
    before = snapshot()
    response = c.post(_act(meeting, "close"), {"confirmed": "1", "result": "consensus",
                                               "conclusion": "共识"})
    assert refusal_codes(response) == ["consensus_needs_vote"] and snapshot() == before
    c.post(_act(meeting, "close"), {"confirmed": "1", "result": "no_consensus",
                                    "conclusion": "二次协商"})
    meeting.refresh_from_db()
    assert meeting.topic.state == "second_pending"


def test_minutes_are_signed_by_the_convener_and_the_recorder_then_amended(client, tree,
                                                                         cast) -> None:
    meeting = _closed_with_consensus(cast, tree)
    c = as_user(client, cast["staff_a"])
    c.post(_act(meeting, "close"), {"confirmed": "1", "result": "consensus",
                                    "conclusion": "共识纪要:同意"})
    url = reverse("consult:minutes", args=[meeting.pk])
    page = c.get(url).content.decode()
    assert "共识纪要:同意" in page and 'data-testid="sign-minutes"' in page
    c.post(reverse("consult:minutes_action", args=[meeting.pk, "sign"]))
    # Someone else on the staff cannot sign in the recorder's place.
    other = as_user(client, cast["supervisor_a"])
    assert 'data-testid="sign-minutes"' not in other.get(url).content.decode()
    before = snapshot()
    response = other.post(reverse("consult:minutes_action", args=[meeting.pk, "sign"]))
    assert refusal_codes(response) == ["signatory"] and snapshot() == before
    recorder = as_user(client, cast["recorder_a"])
    recorder.post(reverse("consult:minutes_action", args=[meeting.pk, "sign"]))
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.frozen and minutes.meeting.topic.state == "minutes_signed"
    recorder.post(reverse("consult:minutes_action", args=[meeting.pk, "amend"]),
                  {"text": "更正:发言顺序"})
    assert minutes.amendments.count() == 1
    body_before = minutes.body
    minutes.refresh_from_db()
    assert minutes.body == body_before
    assert "更正:发言顺序" in recorder.get(url).content.decode()


def test_minutes_and_result_are_404_before_they_exist_and_for_others(client, tree,
                                                                     cast) -> None:
    _topic, meeting = held_to_vote(cast, tree)
    c = as_user(client, cast["staff_a"])
    assert c.get(reverse("consult:minutes", args=[meeting.pk])).status_code == 404
    assert c.get(reverse("consult:result", args=[meeting.pk])).status_code == 200  # vote open
    outsider = as_user(client, cast["resident_b"])
    assert outsider.get(reverse("consult:result", args=[meeting.pk])).status_code == 404


def test_console_renders_in_every_state(client, tree, cast) -> None:
    _topic, meeting = held_to_vote(cast, tree)
    c = as_user(client, cast["staff_a"])
    assert 'data-testid="hands-form"' in c.get(_console(meeting)).content.decode()
    c.post(_act(meeting, "hands"), {"yes": 9, "no": 0, "abstain": 0})
    assert 'data-testid="counts"' in c.get(_console(meeting)).content.decode()
    c.post(_act(meeting, "close_vote"), {"confirmed": "1"})
    assert 'data-testid="close-form"' in c.get(_console(meeting)).content.decode()
    c.post(_act(meeting, "close"), {"confirmed": "1", "result": "consensus",
                                    "conclusion": "共识"})
    assert 'data-testid="minutes-link"' in c.get(_console(meeting)).content.decode()


def test_a_cancelled_meeting_is_rescheduled_from_the_topic_page(client, tree, cast) -> None:
    from django.utils import timezone

    from .helpers import in_days

    topic, meeting = notified(cast, tree)
    c = as_user(client, cast["staff_a"])
    before = snapshot()
    assert refusals(c.post(_act(meeting, "cancel"), {"reason": ""}))
    assert snapshot() == before
    c.post(_act(meeting, "cancel"), {"reason": "台风停课"})
    meeting.refresh_from_db()
    assert meeting.state == "cancelled"
    page = c.get(reverse("consult:topic", args=[topic.pk])).content.decode()
    assert 'data-testid="reschedule-form"' in page
    when = timezone.localtime(in_days(6)).strftime("%Y-%m-%dT%H:%M")
    c.post(reverse("consult:topic_action", args=[topic.pk, "reschedule"]),
           {"starts_at": when, "location": ""})
    assert list(topic.meetings.values_list("number", "state")) == [(1, "cancelled"),
                                                                   (2, "scheduled")]
    page = c.get(reverse("consult:board")).content.decode()
    assert 'data-testid="stage-notified"' in page


def test_residents_read_a_closed_vote_and_its_arithmetic_but_not_an_open_one(client, tree,
                                                                             cast) -> None:
    _topic, meeting = held_to_vote(cast, tree)
    url = reverse("consult:result", args=[meeting.pk])
    neighbour = as_user(client, cast["neighbour"])
    assert neighbour.get(url).status_code == 404  # the vote is still open
    staff = cast["staff_a"].user
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=6, no=2, abstain=1)
    services.close_vote(actor=staff, meeting=meeting)
    page = neighbour.get(url)
    assert page.status_code == 200
    assert 'data-passed="yes"' in page.content.decode()
    assert 'data-testid="console-link"' not in page.content.decode()
    assert as_user(client, cast["resident_b"]).get(url).status_code == 404
