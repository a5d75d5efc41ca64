"""Property tests through the services: whatever the input or the order, the tables hold
and a refusal writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yishi.consult import rules, services
from yishi.consult.models import Meeting, Vote
from yishi.core.exceptions import RuleViolation

from .helpers import held_to_vote, notified, participant, snapshot

pytestmark = pytest.mark.django_db

FIXTURE_OK = settings(max_examples=40, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture])


class Rollback(Exception):
    pass


def in_savepoint(fn: Any) -> None:
    """Run one example and undo it, so every example starts from the same meeting."""
    try:
        with transaction.atomic():
            fn()
            raise Rollback
    except Rollback:
        pass


@FIXTURE_OK
@given(yes=st.integers(-2, 12), no=st.integers(-2, 12), abstain=st.integers(-2, 12))
def test_hand_counts_are_kept_exactly_when_they_fit_those_present(tree, cast, yes: int, no: int,
                                                                  abstain: int) -> None:
    staff = cast["staff_a"].user
    meeting = Meeting.objects.filter(state=rules.MeetingState.VOTING).first()
    if meeting is None:
        _topic, meeting = held_to_vote(cast, tree)

    def example() -> None:
        present = Vote.objects.get(meeting=meeting).present
        fits = min(yes, no, abstain) >= 0 and yes + no + abstain <= present
        before = snapshot()
        try:
            services.record_show_of_hands(actor=staff, meeting=meeting, yes=yes, no=no,
                                          abstain=abstain)
        except RuleViolation:
            assert not fits
            assert snapshot() == before
        else:
            assert fits
            vote = Vote.objects.get(meeting=meeting)
            assert (vote.yes, vote.no, vote.abstain) == (yes, no, abstain)

    in_savepoint(example)


MEETING_CALLS = {
    "open_sign_in": lambda s, m, c: services.open_sign_in(actor=s, meeting=m),
    "open": lambda s, m, c: services.open_meeting(actor=s, meeting=m),
    "convener_explains": lambda s, m, c: services.record_convener_explanation(
        actor=s, meeting=m, summary="说明"),
    "proposer_explains": lambda s, m, c: services.record_proposer_explanation(
        actor=s, meeting=m, summary="说明"),
    "open_discussion": lambda s, m, c: services.open_discussion(actor=s, meeting=m),
    "open_vote": lambda s, m, c: services.open_vote(actor=s, meeting=m, method="hands",
                                                    question="同意吗"),
    "close_vote": lambda s, m, c: services.close_vote(actor=s, meeting=m),
    "cancel": lambda s, m, c: services.cancel_meeting(actor=s, meeting=m, reason="改期"),
    "sign_in": lambda s, m, c: services.mark_attendance(
        actor=s, meeting=m, participant=participant(m, c["neighbour"])),
    "hands": lambda s, m, c: services.record_show_of_hands(actor=s, meeting=m, yes=1, no=0,
                                                           abstain=0),
}


@FIXTURE_OK
@given(st.lists(st.sampled_from(sorted(MEETING_CALLS)), min_size=1, max_size=12))
def test_meeting_services_follow_the_table_in_any_order(tree, cast, calls: list[str]) -> None:
    staff = cast["staff_a"].user
    meeting = Meeting.objects.filter(state=rules.MeetingState.SCHEDULED).first()
    if meeting is None:
        _topic, meeting = notified(cast, tree, major=False)

    def example() -> None:
        for name in calls:
            state = Meeting.objects.get(pk=meeting.pk).state
            before = snapshot()
            try:
                MEETING_CALLS[name](staff, meeting, cast)
            except RuleViolation:
                assert snapshot() == before
                if name in rules.MEETING_ACTIONS and (state, name) in rules.MEETING_TRANSITIONS:
                    # only a guard may refuse a step the table allows (e.g. vote with no one in)
                    assert name in rules.MEETING_GUARDS or name == "close_vote"
            else:
                after = Meeting.objects.get(pk=meeting.pk).state
                if name in rules.MEETING_ACTIONS:
                    assert rules.MEETING_TRANSITIONS[(state, name)].target == after
                else:
                    assert after == state
            assert Meeting.objects.get(pk=meeting.pk).state in rules.MEETING_STATES

    in_savepoint(example)
