"""Choosing a procedure template and recording its steps: who, when, what vote, which notice;
refusals write nothing."""

from __future__ import annotations

from typing import Any

import pytest

from yishi.consult import procedure_services as ps
from yishi.consult.models import ConsultSettings, ProcedureStep, Topic
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent
from yishi.disclosure.models import Notice
from yishi.places.models import Role, RoleKind
from yishi.places.tests.factories import resident

from .helpers import candidate, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def reps(tree: dict[str, Any]) -> list[Any]:
    """Nine representatives of community A (on its resident group)."""
    people = [resident(tree["a"], name=f"代表{i}") for i in range(9)]
    for p in people:
        Role.objects.create(person=p, place=tree["a_group"], kind=RoleKind.REPRESENTATIVE)
    return people


@pytest.fixture
def four_two(cast: dict[str, Any], tree: dict[str, Any]) -> Topic:
    topic = candidate(cast, tree, title="村集体厂房出租", text="集体厂房对外出租,租期五年",
                      category="assets", mandatory=False)
    return ps.choose_procedure(actor=cast["staff_a"].user, topic=topic, procedure="four_two")


def _state() -> dict[str, Any]:
    state = snapshot()
    state["notices"] = Notice.objects.count()
    return state


def _walk_to(cast: dict[str, Any], topic: Topic, last: str) -> None:
    party, staff = cast["party_a"].user, cast["staff_a"].user
    steps: list[tuple[str, Any, dict[str, Any]]] = [
        ("party_proposes", party, {"note": "党支部会提议出租厂房"}),
        ("committees_discuss", staff, {"note": "两委会商议:租金底价每年十万元"}),
        ("members_review", party, {"note": "党员大会审议通过"}),
        ("representatives_resolve", staff,
         {"yes": 6, "no": 1, "abstain": 0, "present": 7, "note": "同意出租"}),
        ("resolution_public", staff, {"note": "决议:厂房出租五年"}),
        ("result_public", staff, {"note": "已签订租赁合同"}),
    ]
    for code, actor, kw in steps:
        ps.record_procedure_step(actor=actor, topic=topic, step=code, **kw)
        if code == last:
            return


def test_each_step_records_who_and_when_and_the_vote(cast, four_two, reps) -> None:
    _walk_to(cast, four_two, "result_public")
    rows = list(ProcedureStep.objects.filter(topic=four_two).order_by("seq"))
    assert [r.step for r in rows] == ["party_proposes", "committees_discuss", "members_review",
                                      "representatives_resolve", "resolution_public",
                                      "result_public"]
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0].decided_by == cast["party_a"].user
    assert rows[1].decided_by == cast["staff_a"].user
    assert all(r.decided_at is not None for r in rows)
    vote = rows[3]
    assert (vote.yes, vote.no, vote.abstain, vote.present, vote.members, vote.passed) == (
        6, 1, 0, 7, 9, True)
    assert rows[0].yes is None and rows[0].passed is None
    actions = list(AuditEvent.objects.filter(action__startswith="topic.procedure.")
                   .values_list("action", flat=True))
    assert len(actions) == 6


def test_the_two_public_steps_post_notices_on_the_board(cast, four_two, reps) -> None:
    _walk_to(cast, four_two, "result_public")
    rows = ProcedureStep.objects.filter(topic=four_two, notice__isnull=False).order_by("seq")
    assert [r.step for r in rows] == ["resolution_public", "result_public"]
    resolution = rows[0].notice
    assert resolution.community == four_two.community
    assert resolution.source_type == "consult.topic" and resolution.source_id == four_two.pk
    assert "决议:厂房出租五年" in resolution.body
    assert "6" in resolution.body and "村集体厂房出租" in resolution.title
    assert (resolution.ends_on - resolution.starts_on).days == 6  # seven days, both included


def test_skipping_a_step_is_refused_and_writes_nothing(cast, four_two, reps) -> None:
    _walk_to(cast, four_two, "party_proposes")
    before = _state()
    with pytest.raises(RuleViolation) as e:
        ps.record_procedure_step(actor=cast["staff_a"].user, topic=four_two,
                                 step="representatives_resolve", yes=6, no=0, abstain=0,
                                 present=7)
    assert e.value.rule == "step_order" and e.value.clause == "004 第一篇 四.2"
    assert _state() == before


def test_publishing_before_the_resolution_is_refused_and_posts_no_notice(cast, four_two,
                                                                         reps) -> None:
    _walk_to(cast, four_two, "members_review")
    before = _state()
    with pytest.raises(RuleViolation) as e:
        ps.record_procedure_step(actor=cast["staff_a"].user, topic=four_two,
                                 step="resolution_public", note="决议")
    assert e.value.rule == "step_order"
    assert _state() == before


def test_only_the_party_organisation_proposes(cast, four_two, reps) -> None:
    before = _state()
    for who in ("staff_a", "supervisor_a", "resident_a", "party_b"):
        with pytest.raises(PermissionDenied):
            ps.record_procedure_step(actor=cast[who].user, topic=four_two,
                                     step="party_proposes")
    assert _state() == before


def test_the_supervisory_committee_and_residents_record_no_step(cast, four_two, reps) -> None:
    _walk_to(cast, four_two, "party_proposes")
    before = _state()
    for who in ("supervisor_a", "resident_a", "staff_b"):
        with pytest.raises(PermissionDenied):
            ps.record_procedure_step(actor=cast[who].user, topic=four_two,
                                     step="committees_discuss")
    assert _state() == before


def test_representatives_without_quorum_cannot_resolve(cast, four_two, reps) -> None:
    _walk_to(cast, four_two, "members_review")
    before = _state()
    with pytest.raises(RuleViolation) as e:
        ps.record_procedure_step(actor=cast["staff_a"].user, topic=four_two,
                                 step="representatives_resolve", yes=5, no=0, abstain=0,
                                 present=5)
    assert e.value.rule == "quorum" and "第二十六条" in e.value.clause
    with pytest.raises(RuleViolation) as e:
        ps.record_procedure_step(actor=cast["staff_a"].user, topic=four_two,
                                 step="representatives_resolve")
    assert e.value.rule == "input"
    assert _state() == before


def test_a_failed_resolution_is_recorded_and_ends_the_procedure(cast, four_two, reps) -> None:
    _walk_to(cast, four_two, "members_review")
    row = ps.record_procedure_step(actor=cast["staff_a"].user, topic=four_two,
                                   step="representatives_resolve", yes=3, no=3, abstain=0,
                                   present=6)
    assert row.passed is False
    before = _state()
    with pytest.raises(RuleViolation) as e:
        ps.record_procedure_step(actor=cast["staff_a"].user, topic=four_two,
                                 step="resolution_public", note="决议")
    assert e.value.rule == "resolution_failed"
    assert _state() == before


def test_a_step_without_a_vote_refuses_counts(cast, four_two, reps) -> None:
    before = _state()
    with pytest.raises(RuleViolation):
        ps.record_procedure_step(actor=cast["party_a"].user, topic=four_two,
                                 step="party_proposes", yes=3, no=0, abstain=0, present=3)
    assert _state() == before


def test_the_procedure_cannot_change_once_started(cast, four_two, reps) -> None:
    _walk_to(cast, four_two, "party_proposes")
    before = _state()
    with pytest.raises(RuleViolation) as e:
        ps.choose_procedure(actor=cast["staff_a"].user, topic=four_two, procedure="hearing")
    assert e.value.rule == "procedure_started"
    assert _state() == before


def test_a_consultation_topic_records_no_template_step(cast, tree) -> None:
    topic = candidate(cast, tree)
    before = _state()
    with pytest.raises(RuleViolation) as e:
        ps.record_procedure_step(actor=cast["party_a"].user, topic=topic, step="party_proposes")
    assert e.value.rule == "procedure"
    assert _state() == before


def test_a_community_offers_only_the_templates_it_chose(cast, tree) -> None:
    ConsultSettings.objects.create(community=tree["a"], procedures_offered="consultation,hearing",
                                   default_procedure="hearing")
    topic = candidate(cast, tree)
    assert ps.offered_procedures(tree["a"]) == ["consultation", "hearing"]
    assert ps.default_procedure(tree["a"]) == "hearing"
    before = _state()
    with pytest.raises(RuleViolation):
        ps.choose_procedure(actor=cast["staff_a"].user, topic=topic, procedure="four_two")
    with pytest.raises(PermissionDenied):
        ps.choose_procedure(actor=cast["resident_a"].user, topic=topic, procedure="hearing")
    assert _state() == before
    topic = ps.choose_procedure(actor=cast["staff_a"].user, topic=topic, procedure="hearing")
    assert topic.procedure == "hearing"


def test_a_hearing_announces_on_the_board_and_may_record_opinions(cast, tree) -> None:
    topic = candidate(cast, tree, title="垃圾中转站选址", mandatory=False)
    topic = ps.choose_procedure(actor=cast["staff_a"].user, topic=topic, procedure="hearing")
    staff = cast["staff_a"].user
    announce = ps.record_procedure_step(actor=staff, topic=topic, step="announce",
                                        note="定于下周三召开听证会", notice_days=5)
    assert announce.notice is not None and announce.notice.kind == "other"
    ps.record_procedure_step(actor=staff, topic=topic, step="register", note="听证代表15人")
    ps.record_procedure_step(actor=staff, topic=topic, step="hold", note="陈述与质证")
    opinions = ps.record_procedure_step(actor=staff, topic=topic, step="opinions", yes=5,
                                        no=7, abstain=3, present=15)
    assert opinions.passed is False and opinions.members == 15
    published = ps.record_procedure_step(actor=staff, topic=topic, step="publish",
                                         note="听证结果报街道")
    assert published.notice is not None and published.notice.kind == "outcome"


def test_a_refused_notice_leaves_the_step_unrecorded(cast, tree) -> None:
    """A township topic has no community board: the announcement is refused, nothing kept."""
    topic = candidate(cast, tree, community=tree["street"], mandatory=False)
    topic = ps.choose_procedure(actor=cast["township"].user, topic=topic, procedure="hearing")
    before = _state()
    with pytest.raises(RuleViolation):
        ps.record_procedure_step(actor=cast["township"].user, topic=topic, step="announce")
    assert _state() == before
