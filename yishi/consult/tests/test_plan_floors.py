"""提前通知…同时向其提供议题材料 (000 §(二)(4)2): a plan gives at least a day's notice, and a
major matter's notice goes out with its materials; tried through the services and pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from yishi.consult import services
from yishi.consult.models import Plan
from yishi.core.exceptions import RuleViolation

from .helpers import candidate, in_days, planned, snapshot
from .pages import as_user, cites, refusal_codes, refusals

pytestmark = pytest.mark.django_db
CLAUSE = "000 §(二)(4)2"


def _plan(cast: dict[str, Any], **kw: Any) -> dict[str, Any]:
    data = {"starts_at": in_days(5), "location": "议事厅", "form": "council",
            "rules_text": "一人一次发言", "convener": cast["staff_a"],
            "recorder": cast["recorder_a"], "materials": "测算表", "notice_days": 3}
    data.update(kw)
    return data


def test_no_plan_gives_less_than_a_days_notice(tree, cast) -> None:
    topic = services.accept_topic(actor=cast["staff_a"].user, topic=candidate(cast, tree),
                                  catalogue_code="governance")
    before = snapshot()
    with pytest.raises(RuleViolation) as e:
        services.draft_plan(actor=cast["staff_a"].user, topic=topic, **_plan(cast, notice_days=0))
    assert e.value.rule == "notice_floor" and e.value.clause == CLAUSE
    assert snapshot() == before
    plan = services.draft_plan(actor=cast["staff_a"].user, topic=topic,
                               **_plan(cast, notice_days=1))
    with pytest.raises(RuleViolation) as e:
        services.update_plan(actor=cast["staff_a"].user, plan=plan, **_plan(cast, notice_days=0))
    assert e.value.rule == "notice_floor"
    assert Plan.objects.get(pk=plan.pk).notice_days == 1


def test_the_plan_editor_refuses_no_notice_in_words(client, tree, cast) -> None:
    topic = services.accept_topic(actor=cast["staff_a"].user, topic=candidate(cast, tree),
                                  catalogue_code="governance")
    before = snapshot()
    data = {"starts_at": timezone.localtime(in_days(5)).strftime("%Y-%m-%dT%H:%M"),
            "location": "议事厅", "form": "council", "rules_text": "一人一次发言",
            "materials": "", "notice_days": "0", "convener": cast["staff_a"].pk,
            "recorder": cast["recorder_a"].pk}
    response = as_user(client, cast["staff_a"]).post(reverse("consult:plan", args=[topic.pk]),
                                                     data)
    assert response.status_code == 400 and snapshot() == before
    page = response.content.decode()
    from yishi.core.clauses import in_words

    assert in_words(CLAUSE) in page and "notice_floor" not in page


def test_a_major_matters_notice_carries_its_materials(client, tree, cast) -> None:
    topic = planned(cast, tree)
    Plan.objects.filter(topic=topic).update(materials="")
    # Refused at approval too: an approved plan is frozen, so it could never get them later.
    before = snapshot()
    with pytest.raises(RuleViolation) as e:
        services.approve_plan(actor=cast["party_a"].user, plan=Plan.objects.get(topic=topic))
    assert e.value.rule == "materials" and snapshot() == before
    Plan.objects.filter(topic=topic).update(materials="费用测算表")
    services.approve_plan(actor=cast["party_a"].user, plan=topic.plan)
    Plan.objects.filter(topic=topic).update(materials="")  # e.g. removed from the record
    before = snapshot()
    with pytest.raises(RuleViolation) as e:
        services.send_notices(actor=cast["staff_a"].user, topic=topic)
    assert e.value.rule == "materials" and e.value.clause == CLAUSE
    assert snapshot() == before
    c = as_user(client, cast["staff_a"])
    response = c.post(reverse("consult:topic_action", args=[topic.pk, "notify"]))
    [message] = refusals(response)
    assert refusal_codes(response) == ["materials"] and cites(message, CLAUSE)
    assert snapshot() == before
    Plan.objects.filter(topic=topic).update(materials="费用测算表、施工方案")
    services.send_notices(actor=cast["staff_a"].user, topic=topic)
    topic.refresh_from_db()
    assert topic.state == "notified"


def test_a_general_matter_may_go_out_without_materials(tree, cast) -> None:
    topic = planned(cast, tree, major=False)
    Plan.objects.filter(topic=topic).update(materials="")
    services.send_notices(actor=cast["staff_a"].user, topic=topic)
    topic.refresh_from_db()
    assert topic.state == "notified"
