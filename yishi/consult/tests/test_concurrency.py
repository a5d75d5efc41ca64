"""Concurrent secretaries and sixty phones at the same second, on PostgreSQL with threads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from yishi.consult import services
from yishi.consult.models import BallotBox, Participant, Vote, VoterMark
from yishi.core import audit
from yishi.core.exceptions import RuleViolation
from yishi.core.tests.threads import run_together
from yishi.places.tests.factories import resident

from .helpers import held_to_vote, notified, sign_in_everyone

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_two_secretaries_entering_the_same_show_of_hands_count_it_once(tree, cast) -> None:
    staff, recorder = cast["staff_a"].user, cast["recorder_a"].user
    _topic, meeting = held_to_vote(cast, tree, method="hands")
    results = run_together([
        lambda: services.record_show_of_hands(actor=staff, meeting=meeting, yes=5, no=3,
                                              abstain=1),
        lambda: services.record_show_of_hands(actor=recorder, meeting=meeting, yes=5, no=3,
                                              abstain=1),
    ])
    ok = [r for r in results if isinstance(r, Vote)]
    refused = [r for r in results if isinstance(r, RuleViolation)]
    assert len(ok) == 1 and len(refused) == 1, results
    assert refused[0].rule == "already_counted"
    vote = Vote.objects.get(meeting=meeting)
    assert (vote.yes, vote.no, vote.abstain) == (5, 3, 1)
    assert audit.verify().ok


def test_sixty_participants_balloting_at_the_same_second_are_each_counted_once(tree,
                                                                            cast) -> None:
    staff = cast["staff_a"].user
    topic, meeting = notified(cast, tree, major=False)
    plan = topic.plan
    # The plan is fixed once notices are out; sixty residents join it as the test's set-up.
    voters = [resident(tree["a"], username=f"voter{i}", name=f"居民{i}") for i in range(60)]
    Participant.objects.bulk_create(
        [Participant(plan=plan, kind="resident", person=p) for p in voters])
    services.open_sign_in(actor=staff, meeting=meeting)
    sign_in_everyone(meeting, staff)
    services.open_meeting(actor=staff, meeting=meeting)
    services.record_convener_explanation(actor=staff, meeting=meeting, summary="说明")
    services.record_proposer_explanation(actor=staff, meeting=meeting, summary="说明")
    services.open_discussion(actor=staff, meeting=meeting)
    services.open_vote(actor=staff, meeting=meeting, method="ballot", question="是否同意")

    def ballot(person: Any, choice: str) -> Callable[[], Any]:
        return lambda: services.cast_ballot(actor=person.user, meeting=meeting, choice=choice)

    jobs = [ballot(p, "yes" if i % 3 else "no") for i, p in enumerate(voters)]
    # ten of them tap twice: the second tap must be refused, not counted
    jobs += [ballot(p, "abstain") for p in voters[:10]]
    results = run_together(jobs)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 10, errors
    assert all(isinstance(e, RuleViolation) and e.rule == "already_voted" for e in errors)
    vote = Vote.objects.get(meeting=meeting)
    assert BallotBox.objects.get(vote=vote).cast == 60
    assert VoterMark.objects.filter(vote=vote).count() == 60
    vote = services.close_vote(actor=staff, meeting=meeting)
    # the first ten voters' own (first or second) tap decided their ballot; totals hold
    assert vote.yes + vote.no + vote.abstain == 60
    assert audit.verify().ok


def test_a_member_signing_in_twice_at_once_is_present_once(tree, cast) -> None:
    staff = cast["staff_a"].user
    _topic, meeting = notified(cast, tree)
    meeting = services.open_sign_in(actor=staff, meeting=meeting)
    member = cast["committee"][0]
    p = Participant.objects.get(plan_id=meeting.plan_id, person=member)
    results = run_together([
        lambda: services.sign_in_with_code(actor=member.user, meeting=meeting,
                                           code=meeting.sign_in_code),
        lambda: services.mark_attendance(actor=staff, meeting=meeting, participant=p),
    ])
    assert sum(isinstance(r, RuleViolation) for r in results) == 1, results
    assert meeting.attendance.count() == 1


def test_an_undone_sign_in_racing_the_vote_is_counted_on_one_side_of_it(tree, cast) -> None:
    staff, recorder = cast["staff_a"].user, cast["recorder_a"].user
    _topic, meeting = notified(cast, tree)
    services.open_sign_in(actor=staff, meeting=meeting)
    sign_in_everyone(meeting, staff)
    services.open_meeting(actor=staff, meeting=meeting)
    services.record_convener_explanation(actor=staff, meeting=meeting, summary="说明")
    services.record_proposer_explanation(actor=staff, meeting=meeting, summary="说明")
    services.open_discussion(actor=staff, meeting=meeting)
    everyone = meeting.attendance.count()
    p = Participant.objects.get(plan_id=meeting.plan_id, person=cast["neighbour"])
    results = run_together([
        lambda: services.undo_sign_in(actor=recorder, meeting=meeting, participant=p),
        lambda: services.open_vote(actor=staff, meeting=meeting, method="hands",
                                   question="是否同意"),
    ])
    vote = Vote.objects.get(meeting=meeting)
    undone = not isinstance(results[0], Exception)
    if not undone:
        assert isinstance(results[0], RuleViolation) and results[0].rule == "sign_in_closed"
    # Either the undo came first and the vote counts one fewer, or the vote did and the
    # undo was refused: never a vote that counts someone no longer signed in.
    assert vote.present == meeting.attendance.count() == everyone - (1 if undone else 0)
    assert audit.verify().ok
