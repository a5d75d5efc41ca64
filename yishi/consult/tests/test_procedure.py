"""A major topic from a joint proposal to the public notice, as 000 §(二)(4) lays it down."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yishi.consult import rules, selectors, services
from yishi.consult.models import (
    BallotBox,
    Meeting,
    Minutes,
    Outcome,
    Participant,
    TopicTransition,
    XMember,
)
from yishi.core import audit
from yishi.core.exceptions import RuleViolation
from yishi.core.models import Notification

from .helpers import in_days, participant, passed_by_assembly, planned, snapshot

pytestmark = pytest.mark.django_db


def test_major_topic_walks_from_joint_proposal_to_public_notice(tree, cast) -> None:
    staff = cast["staff_a"].user
    committee = cast["committee"]

    # 1. Screening: a mandatory joint proposal, accepted as a major matter.
    topic = planned(cast, tree)
    assert topic.state == rules.TopicState.PLANNED and topic.is_major
    assert topic.catalogue_code == "finance"
    plan = topic.plan
    kinds = sorted(plan.participants.values_list("kind", flat=True))
    assert kinds == ["resident"] + ["seat"] * 7 + ["x"]
    assert XMember.objects.filter(topic=topic, ended_on__isnull=True).count() == 1

    # 2. A major matter's notices wait for the party organisation's approval.
    with pytest.raises(RuleViolation) as exc:
        services.send_notices(actor=staff, topic=topic)
    assert exc.value.rule == "party_approval" and exc.value.clause == "000 §(二)(4)2"
    services.approve_plan(actor=cast["party_a"].user, plan=plan, note="同意")
    before_notes = Notification.objects.count()
    meeting = services.send_notices(actor=staff, topic=topic)
    assert meeting.number == 1 and meeting.state == rules.MeetingState.SCHEDULED
    # every participant with an account (7 seats, the X member, the neighbour) is told
    assert Notification.objects.count() - before_notes == 9
    assert not plan.participants.filter(notified_at__isnull=True).exists()

    # 3. The meeting: four of the eight committee members (7 + X) is not 2/3.
    services.open_sign_in(actor=staff, meeting=meeting)
    meeting.refresh_from_db()
    for person in committee[:4]:
        services.mark_attendance(actor=staff, meeting=meeting,
                                 participant=participant(meeting, person))
    before = snapshot()
    with pytest.raises(RuleViolation) as exc:
        services.open_meeting(actor=staff, meeting=meeting)
    assert exc.value.rule == "quorum" and exc.value.clause == "000 §(二)(4)2"
    assert "2" in exc.value.message and "4" in exc.value.message and "8" in exc.value.message
    assert snapshot() == before

    # Two more sign in on their phones with the code shown in the room.
    for person in committee[4:6]:
        services.sign_in_with_code(actor=person.user, meeting=meeting, code=meeting.sign_in_code)
    services.mark_attendance(actor=staff, meeting=meeting,
                             participant=participant(meeting, cast["neighbour"]))
    meeting = services.open_meeting(actor=staff, meeting=meeting)
    assert (meeting.members, meeting.members_present) == (8, 6)
    topic.refresh_from_db()
    assert topic.state == rules.TopicState.CONSULTING

    # The four steps, in order, each recorded with its time.
    services.record_convener_explanation(actor=staff, meeting=meeting,
                                         summary="议题来源:居民联名;审查:符合目录第五项")
    services.record_proposer_explanation(actor=staff, meeting=meeting, summary="费用按楼层分摊")
    services.open_discussion(actor=staff, meeting=meeting)
    services.add_speech(actor=staff, meeting=meeting,
                        participant=participant(meeting, committee[0]), opinion="一楼住户不应分摊")
    services.add_speech(actor=staff, meeting=meeting,
                        participant=participant(meeting, cast["neighbour"]), opinion="支持加装")
    vote = services.open_vote(actor=staff, meeting=meeting, method="hands",
                              question="是否同意按楼层分摊")
    assert vote.present == 7 and vote.members == 8
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=3, no=3, abstain=1)
    vote = services.close_vote(actor=staff, meeting=meeting)
    assert vote.passed is False  # 3 of 7 present is not more than half
    assert "7" in vote.explanation().text and "4" in vote.explanation().text

    # No consensus: a consensus cannot be recorded over a failed vote; a second one is due.
    with pytest.raises(RuleViolation) as exc:
        services.close_meeting(actor=staff, meeting=meeting, result="consensus", conclusion="x")
    assert exc.value.rule == "consensus_needs_vote"
    services.close_meeting(actor=staff, meeting=meeting, result="no_consensus",
                           conclusion="分歧较大,待补充测算后二次协商")
    topic.refresh_from_db()
    assert topic.state == rules.TopicState.SECOND_PENDING
    minutes1 = Minutes.objects.get(meeting=meeting)
    assert "一楼住户不应分摊" in minutes1.body and "议题来源" in minutes1.body

    # 4. The second consultation: a new meeting linked to the same topic.
    second = services.schedule_second_meeting(actor=staff, topic=topic, starts_at=in_days(5))
    assert second.number == 2 and second.plan_id == plan.pk
    services.open_sign_in(actor=staff, meeting=second)
    for p in Participant.objects.filter(plan=plan):
        services.mark_attendance(actor=staff, meeting=second, participant=p)
    services.open_meeting(actor=staff, meeting=second)
    services.record_convener_explanation(actor=staff, meeting=second, summary="补充测算")
    services.record_proposer_explanation(actor=staff, meeting=second, summary="调整方案")
    services.open_discussion(actor=staff, meeting=second)
    services.open_vote(actor=staff, meeting=second, method="ballot", question="是否同意调整方案")
    voters = committee + [cast["stakeholder"], cast["neighbour"]]
    for i, person in enumerate(voters):
        services.cast_ballot(actor=person.user, meeting=second,
                             choice="yes" if i < 7 else "no")
    assert BallotBox.objects.get(vote__meeting=second).cast == 9
    vote2 = services.close_vote(actor=staff, meeting=second)
    assert (vote2.yes, vote2.no, vote2.passed) == (7, 2, True)
    services.close_meeting(actor=staff, meeting=second, result="consensus",
                           conclusion="共识纪要:按调整方案分摊,一楼住户免摊")
    topic.refresh_from_db()
    assert topic.state == rules.TopicState.CONSENSUS
    assert Outcome.objects.get(topic=topic).memo.startswith("共识纪要")

    # 5. Nothing is published before the minutes are signed.
    with pytest.raises(RuleViolation) as exc:
        services.publish_outcome(actor=staff, topic=topic)
    assert exc.value.rule == "minutes_signed"
    for m in (meeting, second):
        services.sign_minutes(actor=cast["staff_a"].user, meeting=m)
        services.sign_minutes(actor=cast["recorder_a"].user, meeting=m)
    topic.refresh_from_db()
    assert topic.state == rules.TopicState.MINUTES_SIGNED
    services.amend_minutes(actor=staff, meeting=second, text="更正:第3位发言人姓名")
    assert Minutes.objects.get(meeting=second).amendments.count() == 1

    services.file_outcome(actor=staff, topic=topic)
    # 6. A major matter: published as decided only once the representatives passed it.
    with pytest.raises(RuleViolation) as exc:
        services.publish_outcome(actor=staff, topic=topic)
    assert exc.value.rule == "assembly_required" and exc.value.clause == "001 §二(一)1"
    passed_by_assembly(cast, tree, topic)
    outcome = services.publish_outcome(actor=staff, topic=topic)
    today = timezone.localdate()
    assert (outcome.published_from, outcome.published_until) == (today, today + timedelta(days=6))
    assert list(selectors.public_notices(tree["street"])) == [outcome]

    # 6. Closing waits for the posting period; then the X member's service ends.
    with pytest.raises(RuleViolation) as exc:
        services.close_topic(actor=staff, topic=topic)
    assert exc.value.rule == "publication_period"
    Outcome.objects.filter(pk=outcome.pk).update(published_from=today - timedelta(days=8),
                                                 published_until=today - timedelta(days=1))
    topic = services.close_topic(actor=staff, topic=topic)
    assert topic.state == rules.TopicState.CLOSED
    assert not XMember.objects.filter(topic=topic, ended_on__isnull=True).exists()

    # The file holds the whole history; the chain is intact.
    trail = list(TopicTransition.objects.filter(topic=topic).values_list("to_state", flat=True))
    assert trail == ["candidate", "accepted", "planned", "approved", "notified", "consulting",
                     "second_pending", "notified", "consulting", "consensus", "minutes_signed",
                     "filed", "published", "closed"]
    file = selectors.topic_file(topic.pk)
    assert file is not None and len(file["meetings"]) == 2 and file["audit"]
    assert audit.verify().ok


def test_general_topic_needs_no_approval_and_no_quorum(tree, cast) -> None:
    staff = cast["staff_a"].user
    topic = planned(cast, tree, major=False, mandatory=False)
    meeting = services.send_notices(actor=staff, topic=topic)
    services.open_sign_in(actor=staff, meeting=meeting)
    services.mark_attendance(actor=staff, meeting=meeting,
                             participant=participant(meeting, cast["neighbour"]))
    assert services.open_meeting(actor=staff, meeting=meeting).state == "opened"


def test_referred_to_the_assembly_and_decided_there(tree, cast) -> None:
    from .helpers import held_to_vote

    staff = cast["staff_a"].user
    topic, meeting = held_to_vote(cast, tree)
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=4, no=5, abstain=0)
    services.close_vote(actor=staff, meeting=meeting)
    services.close_meeting(actor=staff, meeting=meeting, result="assembly",
                           conclusion="争议较大,提交居民代表会议")
    services.sign_minutes(actor=cast["staff_a"].user, meeting=meeting)
    services.sign_minutes(actor=cast["recorder_a"].user, meeting=meeting)
    topic.refresh_from_db()
    assert topic.state == rules.TopicState.AT_ASSEMBLY
    passed_by_assembly(cast, tree, topic)
    outcome = topic.outcome
    assert topic.state == rules.TopicState.MINUTES_SIGNED  # the minutes were already signed
    assert outcome.assembly_passed is True
    services.file_outcome(actor=staff, topic=topic)
    services.publish_outcome(actor=staff, topic=topic, days=10)
    assert Outcome.objects.get(topic=topic).published_until == \
        timezone.localdate() + timedelta(days=9)


def test_technical_topic_needs_an_expert_before_notices(tree, cast) -> None:
    staff = cast["staff_a"].user
    topic = planned(cast, tree, major=False, technical=True)
    with pytest.raises(RuleViolation) as exc:
        services.send_notices(actor=staff, topic=topic)
    assert exc.value.rule == "expert_required"
    services.add_participant(actor=staff, plan=topic.plan, kind="expert", name="张工",
                             affiliation="市建筑设计院")
    assert services.send_notices(actor=staff, topic=topic).number == 1


def test_screening_reject_refer_merge(tree, cast) -> None:
    staff = cast["staff_a"].user
    from .helpers import candidate

    t1 = candidate(cast, tree, mandatory=False)
    services.reject_topic(actor=staff, topic=t1, reason="不属于本社区协商范围")
    t1.refresh_from_db()
    assert (t1.state, t1.screening_reason) == ("rejected", "不属于本社区协商范围")
    note = Notification.objects.filter(recipient=cast["resident_a"].user).first()
    assert note is not None and "不属于本社区协商范围" in note.body

    t2 = candidate(cast, tree, mandatory=False)
    services.refer_topic(actor=staff, topic=t2, referred_to="区住建局", reason="属于部门职责")
    t2.refresh_from_db()
    assert (t2.state, t2.referred_to) == ("referred", "区住建局")

    main = planned(cast, tree)
    t3 = candidate(cast, tree, mandatory=True)
    services.merge_topic(actor=staff, topic=t3, into=main)
    t3.refresh_from_db()
    assert (t3.state, t3.merged_into_id) == ("merged", main.pk)


def test_the_catalogue_is_configurable_per_community(tree, cast) -> None:
    from yishi.consult.models import CatalogueItem

    from .helpers import candidate

    assert [e.code for e in selectors.catalogue_for(tree["a"])][:2] == ["policy", "organisation"]
    CatalogueItem.objects.create(community=tree["a"], code="parking", title="小区停车")
    assert [e.code for e in selectors.catalogue_for(tree["a"])] == ["parking"]
    topic = candidate(cast, tree)
    with pytest.raises(RuleViolation) as exc:
        services.accept_topic(actor=cast["staff_a"].user, topic=topic, catalogue_code="finance")
    assert exc.value.rule == "catalogue"
    services.accept_topic(actor=cast["staff_a"].user, topic=topic, catalogue_code="parking")


def test_majority_rule_per_form_is_stored_with_the_vote(tree, cast) -> None:
    from fractions import Fraction

    from yishi.consult.models import MajorityRule

    from .helpers import held_to_vote

    MajorityRule.objects.create(community=tree["a"], form="council", share_num=2, share_den=3,
                                strict=False, base="cast")
    topic, meeting = held_to_vote(cast, tree)
    staff = cast["staff_a"].user
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=6, no=3, abstain=0)
    vote = services.close_vote(actor=staff, meeting=meeting)
    assert (vote.share, vote.strict, vote.base) == (Fraction(2, 3), False, "cast")
    assert vote.passed  # 6 of 9 cast is exactly two thirds: 以上 includes it


def test_meetings_are_numbered_per_topic(tree, cast) -> None:
    from .helpers import notified

    _topic, meeting = notified(cast, tree)
    services.cancel_meeting(actor=cast["staff_a"].user, meeting=meeting, reason="台风")
    again = services.reschedule_meeting(actor=cast["staff_a"].user, topic=meeting.topic,
                                        starts_at=in_days(6))
    assert again.number == 2
    assert Meeting.objects.get(pk=meeting.pk).state == "cancelled"
