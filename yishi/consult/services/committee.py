"""The topic-bound X members of the 7+X committee (000 §(二)(2))."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from yishi.core import audit, clock
from yishi.core.exceptions import RuleViolation
from yishi.places.models import Person

from .. import rules, selectors
from ..models import (
    Topic,
    XMember,
)
from ._shared import _lock_topic, _require_staff

# --- X members (7+X) ------------------------------------------------------------------

def add_x_member(*, actor: Any, topic: Topic, person: Person) -> XMember:
    """An X member: a stakeholder who sits on the committee for one topic (7+X, 000 §(二)(2))."""
    _require_staff(actor, topic)
    today = clock.localdate()
    with transaction.atomic():
        # Lock the topic: the same person added twice at once must not pass the check twice.
        locked = _lock_topic(topic)
        if locked.state in rules.TERMINAL_TOPIC_STATES:
            raise RuleViolation(_("This topic is finished: its X members' service has ended "
                                  "with it, and no one joins now."),
                                rule="x_topic_ended", clause=rules.CLAUSE_PARTICIPANTS)
        if XMember.objects.filter(topic=locked, person=person, ended_on__isnull=True).exists():
            raise RuleViolation(_("This person is already an X member for this topic."),
                                rule="x_twice", clause=rules.CLAUSE_PARTICIPANTS)
        if selectors.fixed_seat_holders(locked.community, today).filter(person=person).exists():
            raise RuleViolation(_("This person already holds a fixed seat on the committee."),
                                rule="x_seat", clause=rules.CLAUSE_PARTICIPANTS)
        member = XMember.objects.create(topic=locked, person=person, term_start=today)
        audit.record(actor=actor, action="committee.add_x", obj=member,
                     after={"community": locked.community_id, "topic": locked.pk,
                            "person": person.pk})
    return member


def end_x_members_for_topic(*, actor: audit.Actor, topic: Topic, on: date) -> int:
    """随协商事项完毕即告结束 (000 §(二)(2)): the topic has ended, so its X members' service
    ends on ``on``; returns how many.

    ``actor`` is staff of the topic's community, or a ``SystemActor`` for a job.
    """
    if not isinstance(actor, audit.SystemActor):
        _require_staff(actor, topic)
    with transaction.atomic():
        # Lock the open rows: an X member added while the topic closes is ended too or not
        # at all, never half.
        open_rows = list(XMember.objects.select_for_update()
                         .filter(topic=topic, ended_on__isnull=True))
        for m in open_rows:
            m.ended_on = max(on, m.term_start)
        XMember.objects.bulk_update(open_rows, ["ended_on"])
        if open_rows:
            audit.record(actor=actor, action="committee.end_x",
                         object_type="consult.topic", object_id=topic.pk,
                         after={"ended_on": on, "memberships": [m.pk for m in open_rows]})
    return len(open_rows)
