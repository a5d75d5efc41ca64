"""一事一议 · 一事一馈: staff acknowledge, refer or answer an opinion; the resident rates it.
Each step follows the table, writes one OpinionStep and one audit event, or nothing at all."""

from __future__ import annotations

import pytest

from yishi.consult.models import Topic, TopicSource
from yishi.core import audit
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent, Notification
from yishi.intake import services
from yishi.intake.models import Opinion, OpinionStep
from yishi.intake.rules import OpinionState
from yishi.places.tests.factories import resident

from .helpers import raise_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def opinion(people, tree) -> Opinion:
    return raise_as(people["resident_a"], tree["a_building"])


def _written() -> tuple[int, int]:
    return AuditEvent.objects.count(), OpinionStep.objects.count()


def _state(opinion: Opinion) -> str:
    return Opinion.objects.values_list("state", flat=True).get(pk=opinion.pk)


def test_staff_acknowledge_and_the_resident_is_told(people, opinion):
    before = _written()
    services.acknowledge_opinion(actor=people["staff_a"].user, opinion=opinion)
    assert _state(opinion) == OpinionState.ACKNOWLEDGED
    assert _written() == (before[0] + 1, before[1] + 1)
    step = OpinionStep.objects.filter(opinion=opinion).last()
    assert (step.action, step.from_state, step.to_state, step.actor) == (
        "acknowledge", "submitted", "acknowledged", people["staff_a"].user)
    event = AuditEvent.objects.last()
    assert event.action == "opinion.acknowledge"
    assert (event.before, event.after) == ({"state": "submitted"}, {"state": "acknowledged"})
    note = Notification.objects.get(recipient=people["resident_a"].user)
    assert opinion.number in note.subject
    assert note.link == f"/intake/opinions/{opinion.pk}/"


def test_the_whole_procedure_from_register_to_rating(people, opinion):
    staff = people["staff_a"].user
    services.acknowledge_opinion(actor=staff, opinion=opinion)
    services.refer_opinion(actor=staff, opinion=opinion, department="城管局", note="井盖归城管")
    services.answer_opinion(actor=staff, opinion=opinion, answer="已更换。")
    services.rate_opinion(actor=people["resident_a"].user, opinion=opinion, rating=3,
                          comment=" 很快 ")
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.RATED
    assert (opinion.referred_to, opinion.answer, opinion.rating, opinion.rating_comment) == (
        "城管局", "已更换。", 3, "很快")
    assert opinion.answered_at is not None
    steps = list(OpinionStep.objects.filter(opinion=opinion).values_list("action", flat=True))
    assert steps == ["register", "acknowledge", "refer", "answer", "rate"]
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["opinion.register", "opinion.acknowledge", "opinion.refer",
                       "opinion.answer", "opinion.rate"]
    # The resident is told of each staff step, not of their own rating.
    assert Notification.objects.filter(recipient=people["resident_a"].user).count() == 3
    assert audit.verify().ok


@pytest.mark.parametrize("action", ["acknowledge", "refer", "answer", "rate"])
def test_each_step_writes_exactly_one_audit_event_and_one_step(people, opinion, action):
    staff = people["staff_a"].user
    route = {"acknowledge": [], "refer": ["acknowledge"], "answer": ["acknowledge"],
             "rate": ["acknowledge", "answer"]}[action]
    calls = {
        "acknowledge": lambda: services.acknowledge_opinion(actor=staff, opinion=opinion),
        "refer": lambda: services.refer_opinion(actor=staff, opinion=opinion, department="水务局"),
        "answer": lambda: services.answer_opinion(actor=staff, opinion=opinion, answer="已修复。"),
        "rate": lambda: services.rate_opinion(actor=people["resident_a"].user, opinion=opinion,
                                              rating=2),
    }
    for earlier in route:
        calls[earlier]()
    before = _written()
    calls[action]()
    assert _written() == (before[0] + 1, before[1] + 1)


def test_making_a_topic_candidate_creates_a_consult_topic(people, opinion):
    before = _written()
    services.acknowledge_opinion(actor=people["staff_a"].user, opinion=opinion)
    updated = services.make_topic_candidate(actor=people["staff_a"].user, opinion=opinion)
    topic = Topic.objects.get()
    assert updated.topic == topic
    assert _state(opinion) == OpinionState.TOPIC
    assert (topic.community, topic.title, topic.source, topic.proposer, topic.mandatory) == (
        opinion.community, opinion.title, TopicSource.OPINION, people["resident_a"], False)
    # One step on the opinion, and the audit names both the opinion's step and the new topic.
    assert OpinionStep.objects.count() == before[1] + 2
    assert list(AuditEvent.objects.values_list("action", flat=True))[-2:] == [
        "opinion.make_topic", "topic.candidate"]
    # A topic candidate is still answered to the resident.
    services.answer_opinion(actor=people["staff_a"].user, opinion=opinion, answer="已列入议题。")
    assert _state(opinion) == OpinionState.ANSWERED


def test_a_topic_from_a_courier_record_is_marked_as_such(people, tree):
    opinion = services.raise_opinion(
        actor=people["courier_a"].user, community=tree["a"], place=tree["a"], title="井盖",
        text="松动", category="traffic", on_behalf_of=people["resident_a"],
    )
    services.acknowledge_opinion(actor=people["staff_a"].user, opinion=opinion)
    services.make_topic_candidate(actor=people["staff_a"].user, opinion=opinion)
    assert Topic.objects.get().source == TopicSource.COURIER


@pytest.mark.parametrize("action", ["answer", "refer", "make_topic", "rate"])
def test_a_registered_opinion_must_be_acknowledged_first(people, opinion, action):
    staff = people["staff_a"].user
    before = _written()
    with pytest.raises(RuleViolation) as excinfo:
        if action == "answer":
            services.answer_opinion(actor=staff, opinion=opinion, answer="好的")
        elif action == "refer":
            services.refer_opinion(actor=staff, opinion=opinion, department="水务局")
        elif action == "make_topic":
            services.make_topic_candidate(actor=staff, opinion=opinion)
        else:
            services.rate_opinion(actor=people["resident_a"].user, opinion=opinion, rating=3)
    assert excinfo.value.rule == "transition"
    assert _written() == before
    assert Topic.objects.count() == 0
    assert _state(opinion) == OpinionState.SUBMITTED


def test_an_opinion_is_acknowledged_once(people, opinion):
    services.acknowledge_opinion(actor=people["staff_a"].user, opinion=opinion)
    before = _written()
    with pytest.raises(RuleViolation):
        services.acknowledge_opinion(actor=people["staff_a"].user, opinion=opinion)
    assert _written() == before


def test_a_rated_opinion_is_final(people, opinion):
    staff = people["staff_a"].user
    services.acknowledge_opinion(actor=staff, opinion=opinion)
    services.answer_opinion(actor=staff, opinion=opinion, answer="已修复。")
    services.rate_opinion(actor=people["resident_a"].user, opinion=opinion, rating=1)
    before = _written()
    with pytest.raises(RuleViolation):
        services.rate_opinion(actor=people["resident_a"].user, opinion=opinion, rating=3)
    with pytest.raises(RuleViolation):
        services.answer_opinion(actor=staff, opinion=opinion, answer="再答一次")
    assert _written() == before
    assert Opinion.objects.get(pk=opinion.pk).rating == 1


def test_a_stale_copy_cannot_step_past_the_table(people, opinion):
    """The service reads the locked row, not the caller's copy of it."""
    staff = people["staff_a"].user
    stale = Opinion.objects.get(pk=opinion.pk)
    services.acknowledge_opinion(actor=staff, opinion=opinion)
    services.answer_opinion(actor=staff, opinion=opinion, answer="已修复。")
    with pytest.raises(RuleViolation):
        services.acknowledge_opinion(actor=staff, opinion=stale)
    assert _state(opinion) == OpinionState.ANSWERED


def test_only_the_resident_who_raised_it_may_rate(people, tree, opinion):
    staff = people["staff_a"].user
    services.acknowledge_opinion(actor=staff, opinion=opinion)
    services.answer_opinion(actor=staff, opinion=opinion, answer="已修复。")
    neighbour = resident(tree["a"], username="neighbour")
    before = _written()
    for someone in (neighbour.user, staff, people["courier_a"].user, people["resident_b"].user,
                    people["township"].user):
        with pytest.raises(PermissionDenied):
            services.rate_opinion(actor=someone, opinion=opinion, rating=3)
    assert _written() == before
    assert _state(opinion) == OpinionState.ANSWERED


@pytest.mark.parametrize("rating, comment", [(0, ""), (4, ""), (3, "长" * 501), (3, "好\x00")])
def test_a_rating_outside_the_scale_or_an_overlong_comment_is_refused(people, opinion, rating,
                                                                       comment):
    staff = people["staff_a"].user
    services.acknowledge_opinion(actor=staff, opinion=opinion)
    services.answer_opinion(actor=staff, opinion=opinion, answer="已修复。")
    before = _written()
    with pytest.raises(RuleViolation):
        services.rate_opinion(actor=people["resident_a"].user, opinion=opinion, rating=rating,
                              comment=comment)
    assert _written() == before


@pytest.mark.parametrize("answer", ["", "   ", "答" * 2001, "已\x00修"])
def test_an_empty_or_oversized_answer_is_refused(people, opinion, answer):
    services.acknowledge_opinion(actor=people["staff_a"].user, opinion=opinion)
    before = _written()
    with pytest.raises(RuleViolation):
        services.answer_opinion(actor=people["staff_a"].user, opinion=opinion, answer=answer)
    assert _written() == before


@pytest.mark.parametrize("department", ["", "  ", "局" * 101, "城管\x00局"])
def test_a_referral_names_a_department(people, opinion, department):
    services.acknowledge_opinion(actor=people["staff_a"].user, opinion=opinion)
    before = _written()
    with pytest.raises(RuleViolation):
        services.refer_opinion(actor=people["staff_a"].user, opinion=opinion, department=department)
    assert _written() == before


@pytest.mark.parametrize("who", ["staff_b", "resident_a", "resident_b", "courier_a"])
def test_only_staff_of_the_community_act_on_its_opinions(people, opinion, who):
    actor = people[who].user
    before = _written()
    for act in (
        lambda: services.acknowledge_opinion(actor=actor, opinion=opinion),
        lambda: services.refer_opinion(actor=actor, opinion=opinion, department="水务局"),
        lambda: services.make_topic_candidate(actor=actor, opinion=opinion),
        lambda: services.answer_opinion(actor=actor, opinion=opinion, answer="好"),
    ):
        with pytest.raises(RuleViolation):
            act()
    assert _written() == before
    assert Topic.objects.count() == 0
    assert _state(opinion) == OpinionState.SUBMITTED


def test_staff_of_another_community_are_refused_even_when_the_step_is_allowed(people, opinion):
    services.acknowledge_opinion(actor=people["staff_a"].user, opinion=opinion)
    before = _written()
    with pytest.raises(PermissionDenied):
        services.answer_opinion(actor=people["staff_b"].user, opinion=opinion, answer="好")
    with pytest.raises(PermissionDenied):
        services.make_topic_candidate(actor=people["staff_b"].user, opinion=opinion)
    assert _written() == before
    assert Topic.objects.count() == 0


def test_the_township_official_handles_the_opinions_of_its_communities(people, tree, opinion):
    township = people["township"].user
    services.acknowledge_opinion(actor=township, opinion=opinion)
    services.answer_opinion(actor=township, opinion=opinion, answer="街道已协调。")
    village_opinion = raise_as(people["resident_b"])
    services.acknowledge_opinion(actor=township, opinion=village_opinion)
    assert _state(opinion) == OpinionState.ANSWERED
    assert _state(village_opinion) == OpinionState.ACKNOWLEDGED


def test_a_staff_role_that_has_ended_no_longer_acts(people, opinion):
    from datetime import timedelta

    from django.utils import timezone

    role = people["staff_a"].roles.get()
    role.end = timezone.localdate() - timedelta(days=1)
    role.save()
    with pytest.raises(PermissionDenied):
        services.acknowledge_opinion(actor=people["staff_a"].user, opinion=opinion)


def test_the_residents_message_names_the_opinion_by_its_title(people, opinion):
    services.acknowledge_opinion(actor=people["staff_a"].user, opinion=opinion)
    note = Notification.objects.get(recipient=people["resident_a"].user)
    assert note.subject == f"您反映的民情“3栋楼道灯坏了”（{opinion.number}）：已受理"
