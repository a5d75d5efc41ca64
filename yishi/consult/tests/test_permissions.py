"""Who may act: the same permission test for every action (OpenSlides style)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from yishi.consult import services
from yishi.consult.models import Participant, TopicSource
from yishi.core.exceptions import PermissionDenied

from .helpers import candidate, held_to_vote, in_days, planned, snapshot

pytestmark = pytest.mark.django_db


def actions(topic: Any, meeting: Any, cast: dict[str, Any]) -> dict[str, Callable[[Any], Any]]:
    plan = topic.plan
    p = Participant.objects.filter(plan=plan, kind="resident").first()
    return {
        "accept": lambda a: services.accept_topic(actor=a, topic=topic, catalogue_code="welfare"),
        "reject": lambda a: services.reject_topic(actor=a, topic=topic, reason="r"),
        "refer": lambda a: services.refer_topic(actor=a, topic=topic, referred_to="x", reason="r"),
        "merge": lambda a: services.merge_topic(actor=a, topic=topic, into=topic),
        "draft_plan": lambda a: services.draft_plan(
            actor=a, topic=topic, starts_at=in_days(5), location="x", form="council",
            rules_text="r", convener=cast["staff_a"], recorder=cast["recorder_a"]),
        "update_plan": lambda a: services.update_plan(
            actor=a, plan=plan, starts_at=in_days(5), location="x", form="council",
            rules_text="r", convener=cast["staff_a"], recorder=cast["recorder_a"]),
        "add_participant": lambda a: services.add_participant(actor=a, plan=plan, kind="expert",
                                                              name="专家"),
        "remove_participant": lambda a: services.remove_participant(actor=a, participant=p),
        "approve_plan": lambda a: services.approve_plan(actor=a, plan=plan),
        "send_notices": lambda a: services.send_notices(actor=a, topic=topic),
        "open_sign_in": lambda a: services.open_sign_in(actor=a, meeting=meeting),
        "mark_attendance": lambda a: services.mark_attendance(actor=a, meeting=meeting,
                                                              participant=p),
        "undo_sign_in": lambda a: services.undo_sign_in(actor=a, meeting=meeting,
                                                        participant=p),
        "open_meeting": lambda a: services.open_meeting(actor=a, meeting=meeting),
        "convener": lambda a: services.record_convener_explanation(actor=a, meeting=meeting,
                                                                   summary="s"),
        "proposer": lambda a: services.record_proposer_explanation(actor=a, meeting=meeting,
                                                                   summary="s"),
        "discussion": lambda a: services.open_discussion(actor=a, meeting=meeting),
        "speech": lambda a: services.add_speech(actor=a, meeting=meeting, participant=p,
                                                opinion="o"),
        "open_vote": lambda a: services.open_vote(actor=a, meeting=meeting, method="hands",
                                                  question="q"),
        "hands": lambda a: services.record_show_of_hands(actor=a, meeting=meeting, yes=1, no=0,
                                                         abstain=0),
        "paper": lambda a: services.enter_paper_ballots(actor=a, meeting=meeting, yes=1, no=0,
                                                        abstain=0),
        "close_vote": lambda a: services.close_vote(actor=a, meeting=meeting),
        "close_meeting": lambda a: services.close_meeting(actor=a, meeting=meeting,
                                                          result="no_consensus"),
        "cancel_meeting": lambda a: services.cancel_meeting(actor=a, meeting=meeting, reason="r"),
        "second": lambda a: services.schedule_second_meeting(actor=a, topic=topic,
                                                             starts_at=in_days(5)),
        "reschedule": lambda a: services.reschedule_meeting(actor=a, topic=topic,
                                                            starts_at=in_days(5)),
        "refer_assembly": lambda a: services.refer_to_assembly(actor=a, topic=topic, reason="r"),
        "assembly": lambda a: services.record_assembly(
            actor=a, topic=topic, kind="residents", held_on=timezone.localdate(),
            noticed_on=timezone.localdate(), location="l"),
        "amend": lambda a: services.amend_minutes(actor=a, meeting=meeting, text="t"),
        "file": lambda a: services.file_outcome(actor=a, topic=topic),
        "publish": lambda a: services.publish_outcome(actor=a, topic=topic),
        "close_topic": lambda a: services.close_topic(actor=a, topic=topic),
    }




@pytest.mark.parametrize("who", ["staff_b", "supervisor_a", "resident_a", "party_b", "anonymous"])
def test_no_one_outside_the_committee_can_take_any_step(tree, cast, who: str) -> None:
    topic, meeting = held_to_vote(cast, tree)
    actor = AnonymousUser() if who == "anonymous" else cast[who].user
    for name, call in actions(topic, meeting, cast).items():
        before = snapshot()
        with pytest.raises(PermissionDenied):
            call(actor)
            pytest.fail(f"{who} could {name}")
        assert snapshot() == before, name


def test_only_the_party_organisation_approves_a_plan(tree, cast) -> None:
    topic = planned(cast, tree)
    for who in ("staff_a", "recorder_a", "party_b", "township"):
        with pytest.raises(PermissionDenied) as exc:
            services.approve_plan(actor=cast[who].user, plan=topic.plan)
        assert exc.value.clause == "000 §(二)(4)2"
    services.approve_plan(actor=cast["party_a"].user, plan=topic.plan)


def test_the_township_runs_a_cross_community_topic(tree, cast) -> None:
    township = cast["township"].user
    topic = candidate(cast, tree, community=tree["street"], source=TopicSource.ENTRUSTED,
                      mandatory=False, entrusted_by="区民政局")
    assert topic.is_cross_community and topic.entrusted_by == "区民政局"
    with pytest.raises(PermissionDenied):
        services.accept_topic(actor=cast["staff_a"].user, topic=topic, catalogue_code="policy")
    services.accept_topic(actor=township, topic=topic, catalogue_code="policy", major=True)
    plan = services.draft_plan(actor=township, topic=topic, starts_at=in_days(4),
                               location="街道会议室", form="hearing", rules_text="规则",
                               convener=cast["township"], recorder=cast["recorder_a"],
                               materials="各村意见汇总")
    services.record_risk_assessment(actor=township, topic=topic, level="low",
                                    findings="各村意见一致")
    services.approve_plan(actor=township, plan=plan)  # 乡(镇、街道)党委 for its own topics


def test_a_township_official_may_act_for_a_community_below(tree, cast) -> None:
    topic = candidate(cast, tree)
    services.accept_topic(actor=cast["township"].user, topic=topic, catalogue_code="welfare")
