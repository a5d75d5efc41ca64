"""党组织认定: the catalogue item makes a matter major or technical, staff may only flag, and
only the party organisation records a matter as general, with its reason; a major matter's
plan is approved only after its social-stability risk assessment (000 §(二)(4)2, 002)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from yishi.consult import rules, services
from yishi.consult.models import CatalogueItem, RiskAssessment, Topic, TopicKind
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent

from .helpers import candidate, in_days, planned, snapshot
from .pages import as_user, cites, refusal_codes, refusals

# --- The pure rules ---------------------------------------------------------------------------


@given(st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_staff_can_add_to_the_catalogue_never_take_away(cat_major, cat_tech, flag_major,
                                                         flag_tech) -> None:
    entry = rules.CatalogueEntry("x", "x", cat_major, cat_tech)
    k = rules.screened_kind(entry=entry, flag_major=flag_major, flag_technical=flag_tech)
    assert k.major >= cat_major and k.technical >= cat_tech  # never less strict
    assert k.major_flagged == (flag_major and not cat_major)
    assert k.technical_flagged == (flag_tech and not cat_tech)
    assert not k.major_flagged or k.major  # a flagged matter is treated as major


@given(st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.text(max_size=3))
def test_recording_less_needs_the_reason(major_now, tech_now, major, tech, reason) -> None:
    weaker = (major_now and not major) or (tech_now and not tech)
    try:
        rules.check_kind_decision(major_now=major_now, technical_now=tech_now, major=major,
                                  technical=tech, reason=reason)
    except RuleViolation as e:
        assert weaker and not reason.strip() and e.rule == "kind_reason"
    else:
        assert not weaker or reason.strip()


def test_a_medium_risk_needs_its_mitigation() -> None:
    rules.check_risk_assessment(level="low", findings="无", mitigation="")
    for level, findings, mitigation, rule in (("medium", "有分歧", "", "risk_mitigation"),
                                              ("high", "有分歧", " ", "risk_mitigation"),
                                              ("low", " ", "", "input"),
                                              ("severe", "x", "x", "input")):
        with pytest.raises(RuleViolation) as e:
            rules.check_risk_assessment(level=level, findings=findings, mitigation=mitigation)
        assert e.value.rule == rule and e.value.clause == rules.CLAUSE_RISK


# --- Through the services -----------------------------------------------------------------------


def _accept(cast, tree, code: str, **kw):  # type: ignore[no-untyped-def]
    topic = candidate(cast, tree)
    return services.accept_topic(actor=cast["staff_a"].user, topic=topic, catalogue_code=code,
                                 **kw)


def _plan(cast, topic: Topic) -> Topic:  # type: ignore[no-untyped-def]
    services.draft_plan(actor=cast["staff_a"].user, topic=topic, starts_at=in_days(4),
                        location="议事厅", form="council", rules_text="规则",
                        convener=cast["staff_a"], recorder=cast["recorder_a"], materials="测算表")
    topic.refresh_from_db()
    return topic


@pytest.mark.django_db
def test_a_major_catalogue_item_stays_major_whatever_staff_tick(tree, cast) -> None:
    topic = _accept(cast, tree, "finance", major=False)
    assert topic.kind == TopicKind.MAJOR and not topic.major_flagged


@pytest.mark.django_db
def test_staff_flag_a_general_item_and_the_party_declines_with_its_reason(tree, cast) -> None:
    topic = _accept(cast, tree, "governance", major=True)
    assert topic.is_major and topic.major_flagged  # treated as major until the party decides
    with pytest.raises(PermissionDenied):
        services.decide_kind(actor=cast["staff_a"].user, topic=topic, major=False,
                             technical=False, reason="一般事项")
    before = snapshot()
    with pytest.raises(RuleViolation) as e:
        services.decide_kind(actor=cast["party_a"].user, topic=topic, major=False,
                             technical=False, reason="  ")
    assert e.value.rule == "kind_reason" and e.value.clause == rules.CLAUSE_PREPARATION
    assert snapshot() == before
    topic = services.decide_kind(actor=cast["party_a"].user, topic=topic, major=False,
                                 technical=False, reason="只涉及一栋楼的卫生,属一般事项")
    assert topic.kind == TopicKind.GENERAL and not topic.kind_pending
    assert topic.kind_decided_by == cast["party_a"].user
    event = AuditEvent.objects.filter(action="topic.decide_kind").get()
    assert event.before["kind"] == "major" and event.after["kind"] == "general"


@pytest.mark.django_db
def test_a_technical_catalogue_item_needs_the_partys_reason_to_drop_experts(tree, cast) -> None:
    CatalogueItem.objects.create(community=tree["a"], code="water", title="供水管网改造",
                                 technical=True)
    topic = _accept(cast, tree, "water")
    assert topic.technical and not topic.is_major
    with pytest.raises(RuleViolation) as e:
        services.decide_kind(actor=cast["party_a"].user, topic=topic, major=False,
                             technical=False)
    assert e.value.rule == "kind_reason"
    topic = services.decide_kind(actor=cast["party_a"].user, topic=topic, major=False,
                                 technical=False, reason="只换一个水龙头,无需专家")
    assert not topic.technical


@pytest.mark.django_db
def test_no_approval_without_the_risk_assessment(tree, cast) -> None:
    topic = _plan(cast, _accept(cast, tree, "finance"))
    before = snapshot()
    with pytest.raises(RuleViolation) as e:
        services.approve_plan(actor=cast["party_a"].user, plan=topic.plan)
    assert e.value.rule == "risk_assessment" and e.value.clause == rules.CLAUSE_RISK
    assert snapshot() == before
    with pytest.raises(RuleViolation) as e:
        services.record_risk_assessment(actor=cast["staff_a"].user, topic=topic,
                                        level="medium", findings="部分住户反对")
    assert e.value.rule == "risk_mitigation" and not RiskAssessment.objects.exists()
    services.record_risk_assessment(actor=cast["staff_a"].user, topic=topic, level="medium",
                                    findings="部分住户反对", mitigation="会前逐户沟通")
    services.approve_plan(actor=cast["party_a"].user, plan=topic.plan)
    topic.refresh_from_db()
    assert topic.state == "approved"
    # Once approved, neither the kind nor the assessment changes.
    with pytest.raises(RuleViolation) as e:
        services.decide_kind(actor=cast["party_a"].user, topic=topic, major=False,
                             technical=False, reason="改为一般")
    assert e.value.rule == "kind_closed"
    with pytest.raises(RuleViolation) as e:
        services.record_risk_assessment(actor=cast["staff_a"].user, topic=topic, level="low",
                                        findings="无")
    assert e.value.rule == "risk_closed"


@pytest.mark.django_db
def test_approving_a_flagged_matters_plan_confirms_it(tree, cast) -> None:
    topic = _plan(cast, _accept(cast, tree, "governance", major=True))
    services.record_risk_assessment(actor=cast["staff_a"].user, topic=topic, level="low",
                                    findings="无分歧")
    services.approve_plan(actor=cast["party_a"].user, plan=topic.plan)
    topic.refresh_from_db()
    assert topic.is_major and not topic.kind_pending and topic.kind_decided_at is not None
    assert AuditEvent.objects.get(action="topic.approve_plan").after["kind_confirmed"] is True


# --- Through the pages ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_party_decides_on_the_topic_page(client, tree, cast) -> None:
    topic = _accept(cast, tree, "governance", major=True)
    page = as_user(client, cast["staff_a"]).get(reverse("consult:topic", args=[topic.pk]))
    html = page.content.decode()
    assert 'data-testid="kind-pending"' in html and 'data-testid="kind-form"' not in html
    c = as_user(client, cast["party_a"])
    url = reverse("consult:topic_action", args=[topic.pk, "decide_kind"])
    assert 'data-testid="kind-form"' in c.get(reverse("consult:topic",
                                                      args=[topic.pk])).content.decode()
    before = snapshot()
    response = c.post(url, {"reason": ""})
    [message] = refusals(response)
    assert refusal_codes(response) == ["kind_reason"] and cites(message, "000 §(二)(4)2")
    assert snapshot() == before
    c.post(url, {"reason": "属一般事项"})
    topic.refresh_from_db()
    assert topic.kind == TopicKind.GENERAL and topic.kind_reason == "属一般事项"
    html = c.get(reverse("consult:topic", args=[topic.pk])).content.decode()
    assert 'data-testid="kind-decided"' in html and "属一般事项" in html


@pytest.mark.django_db
def test_the_approval_page_refuses_without_the_assessment_then_takes_it(client, tree,
                                                                       cast) -> None:
    topic = planned(cast, tree)
    RiskAssessment.objects.filter(topic=topic).delete()
    c = as_user(client, cast["party_a"])
    page = c.get(reverse("consult:topic", args=[topic.pk])).content.decode()
    assert 'data-testid="risk-missing"' in page
    before = snapshot()
    response = c.post(reverse("consult:topic_action", args=[topic.pk, "approve"]), {"note": ""})
    [message] = refusals(response)
    assert refusal_codes(response) == ["risk_assessment"] and cites(message, rules.CLAUSE_RISK)
    assert snapshot() == before
    s = as_user(client, cast["staff_a"])
    risk = reverse("consult:topic_action", args=[topic.pk, "risk"])
    response = s.post(risk, {"level": "high", "findings": "部分商户反对", "mitigation": ""})
    assert refusal_codes(response) == ["risk_mitigation"] and not RiskAssessment.objects.exists()
    s.post(risk, {"level": "high", "findings": "部分商户反对", "mitigation": "听证会前逐户沟通"})
    assert RiskAssessment.objects.get(topic=topic).level == "high"
    c = as_user(client, cast["party_a"])
    c.post(reverse("consult:topic_action", args=[topic.pk, "approve"]), {"note": ""})
    topic.refresh_from_db()
    assert topic.state == "approved"
    assert 'data-testid="risk"' in c.get(reverse("consult:topic",
                                                 args=[topic.pk])).content.decode()
