"""Outcomes after the meeting: assembly referral, minutes and amendments, the notice board."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yishi.consult import rules, selectors, services
from yishi.consult.models import Minutes, Outcome
from yishi.core.exceptions import RuleViolation
from yishi.core.models import AuditEvent

from .helpers import candidate, held_to_vote, passed_by_assembly, representatives, snapshot

pytestmark = pytest.mark.django_db


def _consensus(cast, tree):  # type: ignore[no-untyped-def]
    staff = cast["staff_a"].user
    topic, meeting = held_to_vote(cast, tree)
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=8, no=1, abstain=0)
    services.close_vote(actor=staff, meeting=meeting)
    services.close_meeting(actor=staff, meeting=meeting, result="consensus",
                           conclusion="共识纪要:同意")
    services.sign_minutes(actor=cast["staff_a"].user, meeting=meeting)
    services.sign_minutes(actor=cast["recorder_a"].user, meeting=meeting)
    topic.refresh_from_db()
    passed_by_assembly(cast, tree, topic)  # a major matter: the representatives pass it
    return topic, meeting


def test_a_failed_consultation_can_go_to_the_representatives_meeting(tree, cast) -> None:
    staff = cast["staff_a"].user
    topic, meeting = held_to_vote(cast, tree)
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=2, no=6, abstain=1)
    services.close_vote(actor=staff, meeting=meeting)
    services.close_meeting(actor=staff, meeting=meeting, result="no_consensus")
    topic = services.refer_to_assembly(actor=staff, topic=topic, reason="二次协商亦难达成一致")
    assert topic.state == rules.TopicState.AT_ASSEMBLY
    # the minutes are not signed yet: the decision is recorded, publication waits
    reps = representatives(tree, 3)
    assembly = services.record_assembly(
        actor=staff, topic=topic, kind="representatives", location="议事厅",
        noticed_on=timezone.localdate() - timedelta(days=5), held_on=timezone.localdate())
    for person in reps:
        services.mark_present(actor=staff, assembly=assembly, person=person)
    assembly = services.decide_assembly(actor=staff, assembly=assembly, yes=1, no=2, abstain=0,
                                        decision="否决")
    assert assembly.passed is False and assembly.present == 3
    topic.refresh_from_db()
    assert topic.state == rules.TopicState.DECIDED
    services.sign_minutes(actor=cast["staff_a"].user, meeting=meeting)
    services.sign_minutes(actor=cast["recorder_a"].user, meeting=meeting)
    topic.refresh_from_db()
    assert topic.state == rules.TopicState.MINUTES_SIGNED


def test_an_assembly_decision_cannot_be_dated_in_the_future(tree, cast) -> None:
    staff = cast["staff_a"].user
    topic, meeting = held_to_vote(cast, tree)
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=2, no=6, abstain=1)
    services.close_vote(actor=staff, meeting=meeting)
    services.close_meeting(actor=staff, meeting=meeting, result="assembly")
    before = snapshot()
    with pytest.raises(RuleViolation) as exc:
        services.record_assembly(
            actor=staff, topic=topic, kind="representatives", location="议事厅",
            noticed_on=timezone.localdate() - timedelta(days=5),
            held_on=timezone.localdate() + timedelta(days=1))
    assert exc.value.rule == "assembly_date" and exc.value.clause == rules.CLAUSE_ASSEMBLY
    assert snapshot() == before


def test_signed_minutes_are_frozen_and_corrections_are_amendments(tree, cast) -> None:
    staff = cast["staff_a"].user
    _topic, meeting = _consensus(cast, tree)
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.frozen
    body = minutes.body
    for text in ("更正一", "更正二"):
        services.amend_minutes(actor=staff, meeting=meeting, text=text)
    minutes.refresh_from_db()
    assert minutes.body == body
    assert [a.text for a in minutes.amendments.all()] == ["更正一", "更正二"]
    assert AuditEvent.objects.filter(action="minutes.amend").count() == 2


def test_minutes_are_produced_from_what_was_recorded(tree, cast) -> None:
    _topic, meeting = _consensus(cast, tree)
    body = Minutes.objects.get(meeting=meeting).body
    for expected in ("加装电梯", "社区议事厅", "议题来源与规则", "提议人说明", "共识纪要:同意",
                     "委员0", "利益相关"):
        assert expected in body, expected


def test_the_notice_board_shows_an_outcome_for_its_period_only(tree, cast) -> None:
    staff = cast["staff_a"].user
    topic, _meeting = _consensus(cast, tree)
    services.file_outcome(actor=staff, topic=topic)
    assert list(selectors.public_notices(tree["a"])) == []  # filed, not yet published
    outcome = services.publish_outcome(actor=staff, topic=topic, days=3)
    today = timezone.localdate()
    assert list(selectors.public_notices(tree["a"], today + timedelta(days=2))) == [outcome]
    assert list(selectors.public_notices(tree["a"], today + timedelta(days=3))) == []
    assert list(selectors.public_notices(tree["b"], today)) == []


def test_a_topic_closes_only_after_the_last_day_of_its_posting_period(
    tree, cast, monkeypatch
) -> None:
    """办结 waits out the 公示 (000 §(二)(4)4): its last day is still on the board."""
    staff = cast["staff_a"].user
    topic, _meeting = _consensus(cast, tree)
    services.file_outcome(actor=staff, topic=topic)
    outcome = services.publish_outcome(actor=staff, topic=topic, days=3)
    start = timezone.now()
    last_day = timezone.localdate() + timedelta(days=2)
    assert outcome.published_until == last_day

    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(days=2))
    assert timezone.localdate() == last_day
    before = snapshot()
    with pytest.raises(RuleViolation) as exc:
        services.close_topic(actor=staff, topic=topic)
    assert exc.value.rule == "publication_period" and exc.value.clause == rules.CLAUSE_PUBLICATION
    assert snapshot() == before

    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(days=3))
    assert services.close_topic(actor=staff, topic=topic).state == rules.TopicState.CLOSED


def test_filing_notifies_the_party_organisation_and_the_committee(tree, cast) -> None:
    from yishi.core.models import Notification

    staff = cast["staff_a"].user
    topic, _meeting = _consensus(cast, tree)
    services.file_outcome(actor=staff, topic=topic)
    assert Notification.objects.filter(recipient=cast["party_a"].user).exists()
    assert Notification.objects.filter(recipient=cast["committee"][3].user,
                                       subject__contains="加装电梯").exists()
    assert Outcome.objects.get(topic=topic).filed_at is not None


def test_the_work_board_groups_open_topics_by_stage(tree, cast) -> None:
    c = candidate(cast, tree, title="候选议题")
    topic, _meeting = held_to_vote(cast, tree)
    board = selectors.work_board(cast["staff_a"].user)
    assert c in board["candidate"] and topic in board["consulting"]
    assert selectors.work_board(cast["staff_b"].user)["candidate"] == []
    assert selectors.next_actions(c) == ["accept", "merge", "refer", "reject"]


def test_the_vote_result_explains_the_rule_and_the_arithmetic(tree, cast) -> None:
    staff = cast["staff_a"].user
    _topic, meeting = held_to_vote(cast, tree)
    assert selectors.vote_result(meeting) is None
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=5, no=4, abstain=0)
    services.close_vote(actor=staff, meeting=meeting)
    meeting.refresh_from_db()
    result = selectors.vote_result(meeting)
    assert result is not None and result.passed
    assert (result.base, result.base_value, result.required) == ("present", 9, 5)
