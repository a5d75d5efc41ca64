"""Dissenters get an explanation (000 §(二)(5)); the list of those still waiting."""

from __future__ import annotations

import pytest

from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent, Notification
from yishi.followup import selectors, services
from yishi.followup.models import Dissent, DissentExplanation
from yishi.places.tests.factories import resident

from .factories import participant, plan_for, topic_with_outcome


@pytest.fixture
def topic(tree):  # type: ignore[no-untyped-def]
    return topic_with_outcome(tree["a"])


def test_a_participant_who_voted_against_is_explained_to_and_notified(tree, people, users,
                                                                      topic):
    plan = plan_for(topic, people["staff_a"], users["staff_a"])
    voter = participant(plan, people["resident_a"])
    speaker = resident(tree["a"], name="赵反对")  # no account: explained in person
    d1 = services.mark_dissent(actor=users["staff_a"], topic=topic, participant=voter,
                               grounds="voted_against", note="担心噪音")
    d2 = services.mark_dissent(actor=users["staff_a"], topic=topic, person=speaker,
                               grounds="spoke_against")
    assert d1.person == people["resident_a"] and d1.name == "王小明"
    assert list(selectors.dissenters_without_explanation(topic)) == [d1, d2]

    e = services.explain_to_dissenter(actor=users["staff_a"], dissent=d1,
                                      text="施工安排在白天，并设隔音围挡。")
    assert e.notified and e.explained_by == users["staff_a"] and e.explained_at
    assert Notification.objects.filter(recipient=users["resident_a"]).count() == 1
    assert AuditEvent.objects.filter(action="followup.dissent.explain").count() == 1
    assert list(selectors.dissenters_without_explanation(topic)) == [d2]
    e2 = services.explain_to_dissenter(actor=users["staff_a"], dissent=d2, text="已上门解释。")
    assert not e2.notified
    assert not selectors.dissenters_without_explanation(topic).exists()


def test_dissent_is_recorded_once_and_explained_once(people, users, topic):
    d = services.mark_dissent(actor=users["staff_a"], topic=topic, person=people["resident_a"],
                              grounds="other")
    with pytest.raises(RuleViolation) as refused:
        services.mark_dissent(actor=users["staff_a"], topic=topic,
                              person=people["resident_a"], grounds="voted_against")
    assert refused.value.rule == "duplicate"
    services.explain_to_dissenter(actor=users["staff_a"], dissent=d, text="说明")
    with pytest.raises(RuleViolation):
        services.explain_to_dissenter(actor=users["staff_a"], dissent=d, text="再说明")
    assert DissentExplanation.objects.count() == 1


def test_refusals_write_nothing(people, users, topic):
    bad = [
        dict(actor=users["staff_b"], person=people["resident_a"], grounds="other"),
        dict(actor=users["staff_a"], person=people["resident_b"], grounds="other"),
        dict(actor=users["staff_a"], person=people["resident_a"], grounds="nonsense"),
        dict(actor=users["staff_a"], grounds="other"),
    ]
    for kw in bad:
        with pytest.raises(RuleViolation):
            services.mark_dissent(topic=topic, **kw)
    assert Dissent.objects.count() == 0
    d = services.mark_dissent(actor=users["staff_a"], topic=topic, person=people["resident_a"],
                              grounds="other")
    with pytest.raises(PermissionDenied):
        services.explain_to_dissenter(actor=users["staff_b"], dissent=d, text="x")
    with pytest.raises(RuleViolation):
        services.explain_to_dissenter(actor=users["staff_a"], dissent=d, text="   ")
    assert DissentExplanation.objects.count() == 0
