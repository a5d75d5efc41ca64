"""X members (7+X, 000 §(二)(2)): stakeholders who sit on the committee for one topic and
stop when it ends; and the page that lists them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yishi.consult import services as consult
from yishi.consult.models import Topic, TopicSource, XMember
from yishi.core.audit import SystemActor
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent
from yishi.places import services as places
from yishi.places.models import Seat
from yishi.places.tests.factories import resident


def make_topic(community, title: str = "加装电梯") -> Topic:  # type: ignore[no-untyped-def]
    return Topic.objects.create(community=community, title=title, text="……", category="property",
                                source=TopicSource.OPINION)


@pytest.fixture
def staff(people):  # type: ignore[no-untyped-def]
    return people["staff_a"].user


def appoint(staff, tree, person, seat=Seat.WOMEN, start=date(2025, 1, 1)):  # type: ignore[no-untyped-def]
    return places.appoint_seat(actor=staff, community=tree["a"], seat=seat, person=person,
                               term_start=start)


def test_x_members_serve_a_topic_and_end_with_it(people, tree, staff):
    topic = make_topic(tree["a"])
    other_topic = make_topic(tree["a"], "停车位")
    neighbour = resident(tree["a"], name="钱多多")
    x1 = consult.add_x_member(actor=staff, topic=topic, person=people["resident_a"])
    x2 = consult.add_x_member(actor=staff, topic=topic, person=neighbour)
    x3 = consult.add_x_member(actor=staff, topic=other_topic, person=neighbour)
    assert (x1.topic, x1.ended_on) == (topic, None)
    before = AuditEvent.objects.count()

    ended = consult.end_x_members_for_topic(actor=staff, topic=topic,
                                             on=timezone.localdate())

    assert ended == 2
    assert AuditEvent.objects.count() == before + 1
    for m in (x1, x2, x3):
        m.refresh_from_db()
    assert x1.ended_on == x2.ended_on == timezone.localdate()
    assert x3.ended_on is None  # another topic's X member serves on
    assert consult.end_x_members_for_topic(actor=staff, topic=topic,
                                            on=timezone.localdate()) == 0
    assert AuditEvent.objects.count() == before + 1


def test_a_system_job_may_end_x_members_naming_itself(people, tree, staff):
    topic = make_topic(tree["a"])
    consult.add_x_member(actor=staff, topic=topic, person=people["resident_a"])

    assert consult.end_x_members_for_topic(actor=SystemActor("system:topic-close"),
                                            topic=topic, on=timezone.localdate()) == 1


def test_an_x_member_is_added_once_per_topic(people, tree, staff):
    topic = make_topic(tree["a"])
    consult.add_x_member(actor=staff, topic=topic, person=people["resident_a"])

    with pytest.raises(RuleViolation) as refused:
        consult.add_x_member(actor=staff, topic=topic, person=people["resident_a"])
    assert refused.value.rule == "x_twice"


def test_a_seat_holder_is_not_also_an_x_member(people, tree, staff):
    today = timezone.localdate()
    appoint(staff, tree, people["resident_a"], start=today)

    with pytest.raises(RuleViolation) as refused:
        consult.add_x_member(actor=staff, topic=make_topic(tree["a"]),
                             person=people["resident_a"])
    assert refused.value.rule == "x_seat"


def test_only_staff_of_the_topics_community_add_x_members(people, tree):
    topic = make_topic(tree["a"])

    with pytest.raises(PermissionDenied):
        consult.add_x_member(actor=people["staff_b"].user, topic=topic,
                              person=people["resident_a"])
    with pytest.raises(PermissionDenied):
        consult.end_x_members_for_topic(actor=people["resident_a"].user, topic=topic,
                                         on=timezone.localdate())
    assert not XMember.objects.exists()


# --- The page --------------------------------------------------------------------------------


def signed_in(client, people, who):  # type: ignore[no-untyped-def]
    client.force_login(people[who].user)
    return client


@pytest.fixture
def x_member(people, tree, staff):  # type: ignore[no-untyped-def]
    topic = make_topic(tree["a"])
    neighbour = resident(tree["a"], name="钱多多")
    return consult.add_x_member(actor=staff, topic=topic, person=neighbour)


def x_url(tree, key: str = "a") -> str:  # type: ignore[no-untyped-def]
    return reverse("consult:x_members", args=[tree[key].pk])


@pytest.mark.parametrize("who", ["resident_a", "staff_a", "township"])
def test_residents_and_staff_above_see_the_x_members(client, people, tree, x_member, who):
    response = signed_in(client, people, who).get(x_url(tree))

    assert response.status_code == 200
    html = response.content.decode()
    assert "钱多多" in html and "加装电梯" in html


@pytest.mark.parametrize("who", ["resident_b", "staff_b"])
def test_others_get_404_for_the_x_members(client, people, tree, x_member, who):
    assert signed_in(client, people, who).get(x_url(tree)).status_code == 404
    assert signed_in(client, people, "township").get(x_url(tree, "street")).status_code == 404


def test_x_members_leave_the_page_when_their_topic_ends(client, people, tree, x_member):
    XMember.objects.filter(pk=x_member.pk).update(term_start=timezone.localdate() - timedelta(days=30))
    consult.end_x_members_for_topic(actor=people["staff_a"].user, topic=x_member.topic,
                                    on=timezone.localdate() - timedelta(days=1))

    response = signed_in(client, people, "resident_a").get(x_url(tree))

    assert response.context["x_members"] == []
    assert "钱多多" not in response.content.decode()
