"""Every refusal names its rule and writes nothing: no row, no audit event, no notification."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from yishi.consult import services
from yishi.consult.models import Participant
from yishi.core.exceptions import RuleViolation

from .helpers import candidate, held_to_vote, in_days, notified, participant, planned, snapshot

pytestmark = pytest.mark.django_db


def refused(call: Callable[[], Any], rule: str, clause: str | None = None) -> RuleViolation:
    before = snapshot()
    with pytest.raises(RuleViolation) as exc:
        call()
    assert exc.value.rule == rule, exc.value
    if clause is not None:
        assert exc.value.clause == clause
    assert snapshot() == before
    return exc.value


def test_a_mandatory_joint_proposal_cannot_be_rejected_or_referred(tree, cast) -> None:
    staff = cast["staff_a"].user
    topic = candidate(cast, tree, mandatory=True)
    refused(lambda: services.reject_topic(actor=staff, topic=topic, reason="不需要"),
            "mandatory_topic", "000 §(二)(1)")
    refused(lambda: services.refer_topic(actor=staff, topic=topic, referred_to="街道",
                                         reason="x"), "mandatory_topic", "000 §(二)(1)")


def test_reject_and_refer_need_a_reason(tree, cast) -> None:
    staff = cast["staff_a"].user
    topic = candidate(cast, tree, mandatory=False)
    refused(lambda: services.reject_topic(actor=staff, topic=topic, reason="  "),
            "reason_required")
    refused(lambda: services.refer_topic(actor=staff, topic=topic, referred_to="区住建局",
                                         reason=""), "reason_required")


def test_accepting_twice_is_refused(tree, cast) -> None:
    staff = cast["staff_a"].user
    topic = candidate(cast, tree)
    services.accept_topic(actor=staff, topic=topic, catalogue_code="welfare")
    err = refused(lambda: services.accept_topic(actor=staff, topic=topic,
                                                catalogue_code="welfare"), "transition")
    from yishi.consult import rules

    assert str(rules.TOPIC_ACTIONS["accept"]) in err.message
    assert str(rules.TOPIC_STATES["accepted"]) in err.message


def test_a_plan_in_the_past_is_refused(tree, cast) -> None:
    staff = cast["staff_a"].user
    topic = candidate(cast, tree)
    services.accept_topic(actor=staff, topic=topic, catalogue_code="welfare")
    refused(lambda: services.draft_plan(
        actor=staff, topic=topic, starts_at=timezone.now().replace(year=2020), location="x",
        form="council", rules_text="r", convener=cast["staff_a"], recorder=cast["recorder_a"]),
        "input")
    refused(lambda: services.draft_plan(
        actor=staff, topic=topic, starts_at=in_days(4), location="x", form="speech",
        rules_text="r", convener=cast["staff_a"], recorder=cast["recorder_a"]), "input")


def test_notices_too_late_for_the_notice_period_are_refused(tree, cast) -> None:
    staff = cast["staff_a"].user
    topic = planned(cast, tree, major=False)
    services.update_plan(actor=staff, plan=topic.plan, starts_at=in_days(2), location="议事厅",
                         form="council", rules_text="规则", convener=cast["staff_a"],
                         recorder=cast["recorder_a"], notice_days=3)
    refused(lambda: services.send_notices(actor=staff, topic=topic), "notice_period",
            "000 §(二)(4)2")


def test_notices_for_a_major_matter_wait_for_approval(tree, cast) -> None:
    topic = planned(cast, tree, major=True)
    refused(lambda: services.send_notices(actor=cast["staff_a"].user, topic=topic),
            "party_approval", "000 §(二)(4)2")


def test_a_general_plan_is_not_sent_for_approval(tree, cast) -> None:
    topic = planned(cast, tree, major=False)
    refused(lambda: services.approve_plan(actor=cast["party_a"].user, plan=topic.plan),
            "not_major")


def test_major_meeting_refuses_to_open_without_two_thirds(tree, cast) -> None:
    staff = cast["staff_a"].user
    _topic, meeting = notified(cast, tree)
    services.open_sign_in(actor=staff, meeting=meeting)
    for person in cast["committee"][:5]:
        services.mark_attendance(actor=staff, meeting=meeting,
                                 participant=participant(meeting, person))
    err = refused(lambda: services.open_meeting(actor=staff, meeting=meeting), "quorum",
                  "000 §(二)(4)2")
    assert "5" in err.message and "8" in err.message and "1" in err.message


def test_a_meeting_cannot_open_before_sign_in(tree, cast) -> None:
    _topic, meeting = notified(cast, tree)
    refused(lambda: services.open_meeting(actor=cast["staff_a"].user, meeting=meeting),
            "sign_in_first")


def test_voting_before_sign_in_is_refused(tree, cast) -> None:
    _topic, meeting = notified(cast, tree)
    refused(lambda: services.open_vote(actor=cast["staff_a"].user, meeting=meeting,
                                       method="hands", question="同意吗"),
            "vote_order", "000 §(二)(4)3")


def test_steps_cannot_be_skipped(tree, cast) -> None:
    staff = cast["staff_a"].user
    _topic, meeting = notified(cast, tree, major=False)
    services.open_sign_in(actor=staff, meeting=meeting)
    services.mark_attendance(actor=staff, meeting=meeting,
                             participant=participant(meeting, cast["neighbour"]))
    services.open_meeting(actor=staff, meeting=meeting)
    refused(lambda: services.open_discussion(actor=staff, meeting=meeting), "transition")
    refused(lambda: services.add_speech(actor=staff, meeting=meeting,
                                        participant=participant(meeting, cast["neighbour"]),
                                        opinion="意见"), "step_order")


def test_a_wrong_sign_in_code_or_an_outsider_is_refused(tree, cast) -> None:
    staff = cast["staff_a"].user
    _topic, meeting = notified(cast, tree)
    meeting = services.open_sign_in(actor=staff, meeting=meeting)
    member = cast["committee"][0]
    wrong = "000000" if meeting.sign_in_code != "000000" else "111111"
    refused(lambda: services.sign_in_with_code(actor=member.user, meeting=meeting, code=wrong),
            "sign_in_code")
    refused(lambda: services.sign_in_with_code(actor=cast["resident_b"].user, meeting=meeting,
                                               code=meeting.sign_in_code), "not_participant")


def test_hand_counts_cannot_exceed_those_present_or_be_entered_twice(tree, cast) -> None:
    staff = cast["staff_a"].user
    _topic, meeting = held_to_vote(cast, tree)
    present = meeting.vote.present
    refused(lambda: services.record_show_of_hands(actor=staff, meeting=meeting,
                                                  yes=present, no=1, abstain=0),
            "votes_exceed_present", "000 §(二)(4)3")
    refused(lambda: services.record_show_of_hands(actor=staff, meeting=meeting, yes=-1, no=0,
                                                  abstain=0), "input")
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=1, no=1, abstain=1)
    refused(lambda: services.record_show_of_hands(actor=staff, meeting=meeting, yes=1, no=1,
                                                  abstain=1), "already_counted")


def test_a_ballot_is_cast_once_by_someone_present(tree, cast) -> None:
    staff = cast["staff_a"].user
    _topic, meeting = held_to_vote(cast, tree, method="ballot")
    voter = cast["committee"][0]
    services.cast_ballot(actor=voter.user, meeting=meeting, choice="yes")
    refused(lambda: services.cast_ballot(actor=voter.user, meeting=meeting, choice="no"),
            "already_voted")
    refused(lambda: services.cast_ballot(actor=cast["resident_b"].user, meeting=meeting,
                                         choice="no"), "not_present")
    refused(lambda: services.cast_ballot(actor=voter.user, meeting=meeting, choice="maybe"),
            "input")
    # paper ballots count against those present too
    left = meeting.vote.present - 1
    refused(lambda: services.enter_paper_ballots(actor=staff, meeting=meeting, yes=left,
                                                 no=1, abstain=0), "votes_exceed_present")
    services.enter_paper_ballots(actor=staff, meeting=meeting, yes=left, no=0, abstain=0)
    refused(lambda: services.cast_ballot(actor=cast["committee"][1].user, meeting=meeting,
                                         choice="no"), "votes_exceed_present")


def test_consensus_cannot_be_recorded_over_a_failed_vote(tree, cast) -> None:
    staff = cast["staff_a"].user
    _topic, meeting = held_to_vote(cast, tree)
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=1, no=5, abstain=0)
    services.close_vote(actor=staff, meeting=meeting)
    refused(lambda: services.close_meeting(actor=staff, meeting=meeting, result="consensus",
                                           conclusion="共识"), "consensus_needs_vote")


def test_publishing_or_filing_before_the_minutes_are_signed_is_refused(tree, cast) -> None:
    staff = cast["staff_a"].user
    topic, meeting = held_to_vote(cast, tree)
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=8, no=1, abstain=0)
    services.close_vote(actor=staff, meeting=meeting)
    services.close_meeting(actor=staff, meeting=meeting, result="consensus", conclusion="共识纪要")
    refused(lambda: services.publish_outcome(actor=staff, topic=topic), "minutes_signed",
            "000 §(二)(4)3")
    refused(lambda: services.file_outcome(actor=staff, topic=topic), "minutes_signed")
    services.sign_minutes(actor=cast["staff_a"].user, meeting=meeting)
    refused(lambda: services.publish_outcome(actor=staff, topic=topic), "minutes_signed")
    refused(lambda: services.sign_minutes(actor=cast["staff_a"].user, meeting=meeting),
            "already_signed")
    refused(lambda: services.sign_minutes(actor=cast["committee"][0].user, meeting=meeting),
            "signatory")


def test_the_plan_is_fixed_once_notices_are_out(tree, cast) -> None:
    staff = cast["staff_a"].user
    topic, _meeting = notified(cast, tree)
    refused(lambda: services.add_participant(actor=staff, plan=topic.plan, kind="expert",
                                             name="专家"), "plan_frozen")
    refused(lambda: services.update_plan(actor=staff, plan=topic.plan, starts_at=in_days(9),
                                         location="x", form="council", rules_text="r",
                                         convener=cast["staff_a"], recorder=cast["recorder_a"]),
            "plan_frozen")
    seat = Participant.objects.filter(plan=topic.plan, kind="seat").first()
    assert seat is not None
    refused(lambda: services.remove_participant(actor=staff, participant=seat), "plan_frozen")


def test_the_convener_and_recorder_need_accounts_to_sign(tree, cast) -> None:
    from yishi.places.tests.factories import resident

    staff = cast["staff_a"].user
    topic = candidate(cast, tree)
    services.accept_topic(actor=staff, topic=topic, catalogue_code="welfare")
    no_account = resident(tree["a"])
    refused(lambda: services.draft_plan(
        actor=staff, topic=topic, starts_at=in_days(4), location="x", form="council",
        rules_text="r", convener=cast["staff_a"], recorder=no_account), "signatory")
