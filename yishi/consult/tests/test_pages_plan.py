"""The plan editor: time, place, form, rules, participants by number, approval, notices."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from yishi.consult import services
from yishi.consult.models import Participant, Plan, Topic

from .helpers import candidate, in_days, planned, snapshot
from .pages import as_user, cites, refusal_codes, refusals

pytestmark = pytest.mark.django_db


def _accepted(cast: dict[str, Any], tree: dict[str, Any], **kw: Any) -> Topic:
    topic = candidate(cast, tree)
    return services.accept_topic(actor=cast["staff_a"].user, topic=topic,
                                 catalogue_code="finance", **kw)


def _plan_data(cast: dict[str, Any], **kw: Any) -> dict[str, Any]:
    data = {"starts_at": timezone.localtime(in_days(5)).strftime("%Y-%m-%dT%H:%M"),
            "location": "社区议事厅", "form": "council", "rules_text": "一人一次发言",
            "materials": "测算表", "notice_days": "3", "convener": cast["staff_a"].pk,
            "recorder": cast["recorder_a"].pk}
    data.update(kw)
    return data


def test_staff_drafts_the_plan_and_the_seven_seats_are_invited(client, tree, cast) -> None:
    topic = _accepted(cast, tree, major=True)
    c = as_user(client, cast["staff_a"])
    url = reverse("consult:plan", args=[topic.pk])
    page = c.get(url).content.decode()
    assert 'data-testid="plan-form"' in page
    # The convener and recorder are chosen among the community's staff and seat holders.
    assert f'value="{cast["recorder_a"].pk}"' in page and f'value="{cast["resident_b"].pk}"' not in page
    response = c.post(url, _plan_data(cast))
    assert response.status_code == 302
    plan = Plan.objects.get(topic=topic)
    assert plan.participants.filter(kind="seat").count() == 7
    page = c.get(url).content.decode()
    assert page.count('data-testid="participant-seat"') == 7
    assert 'data-testid="awaiting-approval"' in page


def test_the_plan_can_be_changed_before_approval(client, tree, cast) -> None:
    topic = planned(cast, tree)
    c = as_user(client, cast["staff_a"])
    c.post(reverse("consult:plan", args=[topic.pk]), _plan_data(cast, location="文化广场"))
    assert Plan.objects.get(topic=topic).location == "文化广场"


@pytest.mark.parametrize("change", [
    {"starts_at": "2001-01-01T10:00"},  # in the past: refused by the service
    {"starts_at": "yesterday"},
    {"form": "duel"},
    {"notice_days": "abc"},
    {"notice_days": "61"},
    {"convener": "999999"},
    {"rules_text": ""},
    {"location": "x" * 300},
])
def test_bad_plans_are_refused_and_write_nothing(client, tree, cast, change) -> None:
    topic = _accepted(cast, tree)
    before = snapshot()
    response = as_user(client, cast["staff_a"]).post(reverse("consult:plan", args=[topic.pk]),
                                                    _plan_data(cast, **change))
    assert response.status_code == 400
    assert snapshot() == before


def test_a_plan_in_the_past_names_the_rule(client, tree, cast) -> None:
    topic = _accepted(cast, tree)
    response = as_user(client, cast["staff_a"]).post(
        reverse("consult:plan", args=[topic.pk]), _plan_data(cast, starts_at="2001-01-01T10:00"))
    page = response.content.decode()
    assert 'class="errors" role="alert"' in page and "input" in page


def test_participants_are_found_by_mobile_or_id_number(client, tree, cast) -> None:
    topic = _accepted(cast, tree)
    c = as_user(client, cast["staff_a"])
    c.post(reverse("consult:plan", args=[topic.pk]), _plan_data(cast))
    add = reverse("consult:participant_add", args=[topic.pk])
    stakeholder, neighbour = cast["stakeholder"], cast["neighbour"]
    lookup = c.get(reverse("consult:lookup", args=[topic.pk]),
                   {"lookup": stakeholder.personal.phone}).content.decode()
    assert stakeholder.name in lookup
    c.post(add, {"kind": "x", "lookup": stakeholder.personal.phone})
    c.post(add, {"kind": "resident", "lookup": neighbour.personal.id_number})
    c.post(add, {"kind": "expert", "name": "张工", "affiliation": "市建筑设计院"})
    kinds = dict(Participant.objects.filter(plan__topic=topic).exclude(kind="seat")
                 .values_list("kind", "person_id"))
    assert kinds == {"x": stakeholder.pk, "resident": neighbour.pk, "expert": None}


@pytest.mark.parametrize("data", [
    {"kind": "x", "lookup": "13800000000"},  # nobody registered with it
    {"kind": "x", "lookup": "not a number"},
    {"kind": "seat", "lookup": ""},
    {"kind": "resident"},
    {"kind": "x", "name": "外来人员"},  # an X member must be a registered person
])
def test_bad_participants_are_refused_and_write_nothing(client, tree, cast, data) -> None:
    topic = planned(cast, tree)
    before = snapshot()
    response = as_user(client, cast["staff_a"]).post(
        reverse("consult:participant_add", args=[topic.pk]), data)
    assert refusals(response) and snapshot() == before


def test_a_resident_of_another_community_is_not_found(client, tree, cast) -> None:
    topic = planned(cast, tree)
    before = snapshot()
    as_user(client, cast["staff_a"]).post(
        reverse("consult:participant_add", args=[topic.pk]),
        {"kind": "resident", "lookup": cast["resident_b"].personal.phone})
    assert snapshot() == before


def test_removing_a_participant_but_never_a_fixed_seat(client, tree, cast) -> None:
    topic = planned(cast, tree)
    c = as_user(client, cast["staff_a"])
    seat = Participant.objects.filter(plan__topic=topic, kind="seat").first()
    resident = Participant.objects.get(plan__topic=topic, kind="resident")
    before = snapshot()
    response = c.post(reverse("consult:participant_remove", args=[topic.pk, seat.pk]))
    assert refusal_codes(response) == ["seat"] and snapshot() == before
    c.post(reverse("consult:participant_remove", args=[topic.pk, resident.pk]))
    assert not Participant.objects.filter(pk=resident.pk).exists()


@pytest.mark.parametrize("who", ["resident_a", "staff_b", "resident_b"])
def test_plan_pages_are_404_for_others(client, tree, cast, who) -> None:
    topic = planned(cast, tree)
    c = as_user(client, cast[who])
    before = snapshot()
    assert c.get(reverse("consult:plan", args=[topic.pk])).status_code == 404
    assert c.get(reverse("consult:lookup", args=[topic.pk]), {"lookup": "1"}).status_code == 404
    assert c.post(reverse("consult:participant_add", args=[topic.pk]),
                  {"kind": "expert", "name": "x"}).status_code == 404
    assert c.post(reverse("consult:plan", args=[topic.pk]), _plan_data(cast)).status_code == 404
    assert snapshot() == before


def test_notices_of_a_major_matter_wait_for_the_party_organisation(client, tree, cast) -> None:
    topic = planned(cast, tree)
    c = as_user(client, cast["staff_a"])
    before = snapshot()
    response = c.post(reverse("consult:topic_action", args=[topic.pk, "notify"]))
    [message] = refusals(response)
    assert refusal_codes(response) == ["party_approval"] and cites(message, "000 §(二)(4)2")
    # Staff cannot approve in the party organisation's place.
    response = c.post(reverse("consult:topic_action", args=[topic.pk, "approve"]), {})
    assert refusal_codes(response)[-1] == "party"  # after the notices' refusal
    assert snapshot() == before

    party = as_user(client, cast["party_a"])
    page = party.get(reverse("consult:topic", args=[topic.pk])).content.decode()
    assert 'data-testid="approve"' in page
    party.post(reverse("consult:topic_action", args=[topic.pk, "approve"]), {"note": "同意"})
    topic.refresh_from_db()
    assert topic.state == "approved"

    c = as_user(client, cast["staff_a"])
    c.post(reverse("consult:topic_action", args=[topic.pk, "notify"]))
    topic.refresh_from_db()
    assert topic.state == "notified" and topic.meetings.count() == 1


def test_party_of_another_community_gets_404(client, tree, cast) -> None:
    topic = planned(cast, tree)
    before = snapshot()
    response = as_user(client, cast["party_b"]).post(
        reverse("consult:topic_action", args=[topic.pk, "approve"]), {})
    assert response.status_code == 404 and snapshot() == before
