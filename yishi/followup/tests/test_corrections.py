"""A township marks an unlawful outcome and records its correction (依法纠正)."""

from __future__ import annotations

import pytest

from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent
from yishi.followup import services
from yishi.followup.models import Correction

from .factories import topic_with_outcome


def test_the_township_marks_an_outcome_unlawful_and_corrects_it(tree, users):
    topic = topic_with_outcome(tree["a"])
    c = services.mark_outcome_unlawful(actor=users["township"], topic=topic,
                                       reason="违反《土地管理法》第六十三条：集体土地不得擅自出租。")
    assert c.outcome == topic.outcome and not c.corrected
    with pytest.raises(RuleViolation) as refused:
        services.mark_outcome_unlawful(actor=users["township"], topic=topic, reason="again")
    assert refused.value.rule == "duplicate"
    c = services.record_correction(actor=users["township"], correction=c,
                                   text="撤销该共识，重新协商。", legal_education="组织法治讲座一次")
    assert c.corrected and c.corrected_by == users["township"]
    actions = list(AuditEvent.objects.filter(object_type="followup.correction")
                   .values_list("action", flat=True))
    assert actions == ["followup.outcome.unlawful", "followup.outcome.correct"]
    with pytest.raises(RuleViolation):
        services.record_correction(actor=users["township"], correction=c, text="x")


def test_only_the_township_over_the_community_may_do_it(tree, users, bodies):
    topic = topic_with_outcome(tree["a"])
    for outsider in (users["staff_a"], users["resident_a"], bodies["asked_user"]):
        with pytest.raises(PermissionDenied):
            services.mark_outcome_unlawful(actor=outsider, topic=topic, reason="x")
    assert Correction.objects.count() == 0
