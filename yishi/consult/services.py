"""Actions on topics; each runs in one transaction and writes one audit event."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from yishi.core import audit
from yishi.places.models import Person, Place

from .models import Topic, TopicSource


def create_candidate(
    *,
    actor: Any,
    community: Place,
    title: str,
    text: str,
    category: str,
    source: str,
    proposer: Person | None = None,
    mandatory: bool = False,
    actor_label: str = "",
) -> Topic:
    """A topic candidate enters the committee's screening queue."""
    assert source in TopicSource.values
    with transaction.atomic():
        topic = Topic.objects.create(
            community=community, title=title, text=text, category=category, source=source,
            proposer=proposer, mandatory=mandatory,
        )
        audit.record(
            actor=actor, actor_label=actor_label, action="topic.candidate", obj=topic,
            after={"state": topic.state, "source": source, "mandatory": mandatory,
                   "community": community.pk},
        )
    return topic
