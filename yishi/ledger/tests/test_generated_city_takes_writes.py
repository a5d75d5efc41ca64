"""A generated city takes writes: ``generate_city`` leaves the numbering counters where the
numbers it wrote end, so the services number the next opinion after them (一事一记)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Max

from yishi.consult import services as consult_services
from yishi.consult.models import Topic, TopicSource
from yishi.core import clock
from yishi.intake import services as intake_services
from yishi.intake.models import Opinion
from yishi.places.models import Person
from yishi.places.tests.factories import UserFactory, staff

pytestmark = pytest.mark.django_db


def test_a_generated_community_numbers_its_next_opinion_after_the_generated_ones_and_takes_a_topic(
) -> None:
    call_command("generate_city", "--small", stdout=io.StringIO())
    year = clock.localdate().year
    busiest = (Opinion.objects.filter(year=year).values("community").annotate(last=Max("seq"))
               .order_by("-last").first())
    assert busiest is not None
    last = busiest["last"]
    resident = Person.objects.filter(community_id=busiest["community"]).first()
    assert resident is not None and resident.community is not None
    community = resident.community
    resident.user = UserFactory(username="generated-resident")
    resident.save(update_fields=["user"])

    first = intake_services.raise_opinion(
        actor=resident.user, community=community, place=community, title="楼道灯坏了",
        text="三楼楼道灯不亮。", category="utilities")
    second = intake_services.raise_opinion(
        actor=resident.user, community=community, place=community, title="垃圾桶满了",
        text="小区东门垃圾桶满了没人清。", category="sanitation")

    assert (first.seq, second.seq) == (last + 1, last + 2)
    assert first.number == f"MQ-{year}-{last + 1:05d}"
    # The generated numbers are in the same form as the services'.
    assert Opinion.objects.get(community=community, year=year, seq=last).number == (
        f"MQ-{year}-{last:05d}")

    official = staff(community, username="generated-staff")
    topics = Topic.objects.filter(community=community).count()
    topic = consult_services.create_candidate(
        actor=official.user, community=community, title="增设电动车充电桩",
        text="楼下电动车乱充电，存在火灾隐患。", category="safety", source=TopicSource.MEMBER)
    assert topic.community == community
    assert Topic.objects.filter(community=community).count() == topics + 1
