"""Builders for follow-up tests: topics with outcomes, bodies with officials, images."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yishi.consult.models import Outcome, Participant, Plan, Topic, TopicSource
from yishi.places.models import Place, PlaceKind, RoleKind
from yishi.places.tests.factories import PlaceFactory, staff


def topic_with_outcome(community: Place, *, entrusted_by: str = "", state: str = "filed",
                       published_from: date | None = None, title: str = "修缮小区路灯") -> Topic:
    topic = Topic.objects.create(
        community=community, title=title, text="路灯坏了三盏", category="traffic",
        source=TopicSource.ENTRUSTED if entrusted_by else TopicSource.OPINION,
        entrusted_by=entrusted_by, state=state,
    )
    Outcome.objects.create(
        topic=topic, kind="consensus", memo="共识：由街道出资更换路灯，社区监督施工。",
        published_from=published_from,
        published_until=published_from and date(published_from.year + 1, 1, 1),
    )
    return topic


def body(parent: Place, name: str, *, username: str,
         kind: str = PlaceKind.DISTRICT) -> tuple[Place, Any]:
    """A government body registered as a place, with one official holding a department role."""
    place = PlaceFactory(name=name, kind=kind, parent=parent)
    official = staff(place, username=username, kind=RoleKind.DEPARTMENT)
    return place, official.user


def plan_for(topic: Topic, convener: Any, user: Any) -> Plan:
    return Plan.objects.create(
        topic=topic, starts_at=timezone.now(), location="社区活动室", form="council",
        rules_text="一人一次发言", convener=convener, recorder=convener, drafted_by=user,
        drafted_at=timezone.now(),
    )


def participant(plan: Plan, person: Any) -> Participant:
    return Participant.objects.create(plan=plan, kind="resident", person=person)


def png(name: str = "photo.png", size: tuple[int, int] = (8, 8)) -> SimpleUploadedFile:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")
