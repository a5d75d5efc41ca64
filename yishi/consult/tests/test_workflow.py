"""The topic and meeting tables: random action sequences stay inside them; guards refuse."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yishi.consult.rules import (
    MEETING_ACTIONS,
    MEETING_STATES,
    MEETING_TRANSITIONS,
    TOPIC_ACTIONS,
    TOPIC_STATES,
    TOPIC_TRANSITIONS,
    Facts,
    MeetingState,
    TopicState,
    meeting_step,
    topic_step,
)
from yishi.core.exceptions import RuleViolation

PERMISSIVE = Facts(major=True, technical=False, mandatory=False, plan_approved=True,
                   has_expert=True, members=7, members_present=7, present=7,
                   minutes_signed=True, reason_given=True, risk_assessed=True)
GENERAL = Facts(major=False, technical=False, mandatory=False, reason_given=True)


def test_every_state_and_action_in_the_tables_is_labelled() -> None:
    for (src, action), step in TOPIC_TRANSITIONS.items():
        assert src in TOPIC_STATES and step.target in TOPIC_STATES and action in TOPIC_ACTIONS
    for (src, action), step in MEETING_TRANSITIONS.items():
        assert src in MEETING_STATES and step.target in MEETING_STATES
        assert action in MEETING_ACTIONS


@given(st.lists(st.sampled_from(sorted(TOPIC_ACTIONS)), max_size=40))
def test_random_topic_actions_never_leave_the_table(actions: list[str]) -> None:
    state = TopicState.CANDIDATE
    for action in actions:
        if (state, action) in TOPIC_TRANSITIONS:
            state = topic_step(state, action, PERMISSIVE).target
        else:
            with pytest.raises(RuleViolation):
                topic_step(state, action, PERMISSIVE)
        assert state in TOPIC_STATES


@given(st.lists(st.sampled_from(sorted(MEETING_ACTIONS)), max_size=30))
def test_random_meeting_actions_never_leave_the_table(actions: list[str]) -> None:
    state = MeetingState.SCHEDULED
    seen_sign_in = False
    for action in actions:
        if (state, action) in MEETING_TRANSITIONS:
            state = meeting_step(state, action, PERMISSIVE).target
        else:
            with pytest.raises(RuleViolation):
                meeting_step(state, action, PERMISSIVE)
        seen_sign_in = seen_sign_in or state == MeetingState.SIGNING_IN
        if state == MeetingState.VOTING:
            assert seen_sign_in  # no vote without a sign-in
        assert state in MEETING_STATES


def test_the_four_steps_come_in_order() -> None:
    state = MeetingState.OPENED
    with pytest.raises(RuleViolation):
        meeting_step(state, "open_vote", PERMISSIVE)
    for action in ("convener_explains", "proposer_explains", "open_discussion", "open_vote",
                   "close_vote", "close"):
        state = meeting_step(state, action, PERMISSIVE).target
    assert state == MeetingState.CLOSED


def test_voting_before_sign_in_is_refused_naming_the_clause() -> None:
    with pytest.raises(RuleViolation) as exc:
        meeting_step(MeetingState.SCHEDULED, "open_vote", PERMISSIVE)
    assert exc.value.rule == "vote_order" and exc.value.clause == "000 §(二)(4)3"
    with pytest.raises(RuleViolation) as exc:
        meeting_step(MeetingState.DISCUSSING, "open_vote", Facts(present=0))
    assert exc.value.rule == "sign_in_first"


def test_major_meeting_refuses_to_open_without_two_thirds() -> None:
    facts = Facts(major=True, technical=False, plan_approved=True, members=8,
                  members_present=5)
    with pytest.raises(RuleViolation) as exc:
        meeting_step(MeetingState.SIGNING_IN, "open", facts)
    assert exc.value.rule == "quorum" and exc.value.clause == "000 §(二)(4)2"
    assert "1" in exc.value.message  # 2/3 of 8 = 5 1/3 → 6: one more needed
    ok = Facts(major=True, technical=False, plan_approved=True, members=8, members_present=6)
    assert meeting_step(MeetingState.SIGNING_IN, "open", ok).target == MeetingState.OPENED


def test_general_meeting_opens_without_quorum() -> None:
    facts = Facts(major=False, technical=False, members=8, members_present=1)
    assert meeting_step(MeetingState.SIGNING_IN, "open", facts).target == MeetingState.OPENED


def test_a_technical_meeting_opens_only_with_an_expert_signed_in() -> None:
    facts = Facts(major=False, technical=True, has_expert=True, members=8, members_present=1)
    with pytest.raises(RuleViolation) as exc:
        meeting_step(MeetingState.SIGNING_IN, "open", facts)
    assert exc.value.rule == "expert_present" and exc.value.clause == "000 §(二)(2)"
    ok = Facts(major=False, technical=True, expert_present=True, members=8, members_present=1)
    assert meeting_step(MeetingState.SIGNING_IN, "open", ok).target == MeetingState.OPENED


def test_major_meeting_refuses_to_open_without_approval() -> None:
    facts = Facts(major=True, plan_approved=False, members=3, members_present=3)
    with pytest.raises(RuleViolation) as exc:
        meeting_step(MeetingState.SIGNING_IN, "open", facts)
    assert exc.value.rule == "party_approval"


def test_custom_quorum_share_is_used() -> None:
    facts = Facts(major=True, plan_approved=True, members=4, members_present=3,
                  quorum_share=Fraction(4, 5))
    with pytest.raises(RuleViolation):
        meeting_step(MeetingState.SIGNING_IN, "open", facts)


def test_mandatory_topic_cannot_be_rejected_or_referred() -> None:
    for action in ("reject", "refer"):
        with pytest.raises(RuleViolation) as exc:
            topic_step(TopicState.CANDIDATE, action, Facts(mandatory=True))
        assert exc.value.rule == "mandatory_topic" and exc.value.clause == "000 §(二)(1)"
    assert topic_step(TopicState.CANDIDATE, "accept", Facts(mandatory=True)).target == "accepted"


def test_reject_and_refer_need_a_reason() -> None:
    with pytest.raises(RuleViolation) as exc:
        topic_step(TopicState.CANDIDATE, "reject", replace(GENERAL, reason_given=False))
    assert exc.value.rule == "reason_required"


def test_major_plan_needs_approval_before_notices() -> None:
    with pytest.raises(RuleViolation) as exc:
        topic_step(TopicState.PLANNED, "notify", replace(GENERAL, major=True))
    assert exc.value.rule == "party_approval"
    assert topic_step(TopicState.PLANNED, "notify", GENERAL).target == "notified"


def test_technical_topic_needs_an_expert() -> None:
    with pytest.raises(RuleViolation) as exc:
        topic_step(TopicState.PLANNED, "notify", replace(GENERAL, technical=True))
    assert exc.value.rule == "expert_required" and exc.value.clause == "000 §(二)(2)"


def test_publishing_before_the_minutes_are_signed_is_refused() -> None:
    with pytest.raises(RuleViolation) as exc:
        topic_step(TopicState.CONSENSUS, "publish", Facts(minutes_signed=False))
    assert exc.value.rule == "minutes_signed" and exc.value.clause == "000 §(二)(4)3"


@pytest.mark.parametrize(("state", "action"), [
    (TopicState.CANDIDATE, "reject"), (TopicState.CANDIDATE, "refer"),
    (TopicState.PLANNED, "notify"), (TopicState.CONSENSUS, "publish"),
])
def test_a_caller_that_forgets_the_facts_is_refused(state: str, action: str) -> None:
    """Guards fail closed: the defaults of Facts never let a guarded step through."""
    with pytest.raises(RuleViolation):
        topic_step(state, action, Facts())
    with pytest.raises(RuleViolation):
        meeting_step(MeetingState.SIGNING_IN, "open", Facts())
    with pytest.raises(RuleViolation):
        meeting_step(MeetingState.DISCUSSING, "open_vote", Facts())


def test_a_closed_topic_takes_no_further_step() -> None:
    for action in TOPIC_ACTIONS:
        with pytest.raises(RuleViolation):
            topic_step(TopicState.CLOSED, action, PERMISSIVE)
