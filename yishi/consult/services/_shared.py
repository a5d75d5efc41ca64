"""What every consultation action shares: who may act, locks, the workflow step and its
transition row, text checks, links."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from yishi.core import clock
from yishi.core.exceptions import PermissionDenied
from yishi.core.text import clean_text as _text  # noqa: F401 (the action modules take it from here)
from yishi.places.models import Person, Place, RoleKind
from yishi.places.permissions import is_staff_at, role_paths

from .. import rules
from ..models import (
    Meeting,
    MeetingStep,
    Plan,
    RiskAssessment,
    Topic,
    TopicTransition,
)
from ..rules import MeetingState

# Roles that run consultations. The supervisory committee reads everything but acts on
# nothing (村(居)务监督委员会 supervises), so it is left out although it counts as staff.
ACTING_ROLES = frozenset({RoleKind.STAFF, RoleKind.CHAIR, RoleKind.PARTY, RoleKind.TOWNSHIP,
                          RoleKind.CITY})
TEXT_MAX = 4000
LONG_TEXT_MAX = 8000

# --- Helpers ---------------------------------------------------------------------------------


def _link(topic: Topic) -> str:
    try:
        return reverse("consult:topic", args=[topic.pk])
    except NoReverseMatch:  # pragma: no cover - the page may be renamed by the page layer
        return ""


def _under(place: Place, paths: Iterable[str]) -> bool:
    return any(place.path.startswith(p) for p in paths)


def _acting_paths(actor: Any, kinds: Iterable[str]) -> list[str]:
    """Paths of the places where the actor holds one of ``kinds``, from one read of their
    acting roles per request: a page asks both who may run and who may approve."""
    return role_paths(actor, set(kinds) & set(ACTING_ROLES))


def can_run(actor: Any, place: Place) -> bool:
    """Staff or chair of the place (or a township above it) may run its consultations."""
    if getattr(actor, "is_superuser", False):
        return True
    return is_staff_at(actor, place) and _under(place, _acting_paths(actor, ACTING_ROLES))


def can_approve(actor: Any, topic: Topic) -> bool:
    """The party organisation of the community approves; the township for its own topics."""
    kinds: set[str] = {RoleKind.PARTY}
    if topic.is_cross_community:
        kinds.add(RoleKind.TOWNSHIP)  # 跨村(社区): 由乡(镇、街道)党委组织 (000 §(二)(2))
    return _under(topic.community, _acting_paths(actor, kinds))


def _require_staff(actor: Any, topic: Topic) -> None:
    if not can_run(actor, topic.community):
        raise PermissionDenied(
            _("Only the consultation committee's staff of %(place)s can do this.")
            % {"place": topic.community.name}, rule="staff",
        )


def _lock_topic(topic: Topic) -> Topic:
    return (Topic.objects.select_for_update(of=("self",)).select_related("community")
            .get(pk=topic.pk))


def _lock_meeting(meeting: Meeting) -> Meeting:
    return (Meeting.objects.select_for_update(of=("self",))
            .select_related("topic__community", "plan").get(pk=meeting.pk))


def _move_topic(actor: Any, topic: Topic, action: str, facts: rules.Facts | None = None,
                note: str = "") -> str:
    """Apply one step of the topic table to a locked topic; returns the state before."""
    step = rules.topic_step(topic.state, action, facts or _facts(topic))
    before = topic.state
    topic.state = step.target
    topic.save(update_fields=["state"])
    TopicTransition.objects.create(topic=topic, action=action, from_state=before,
                                   to_state=step.target, actor=_user(actor), at=clock.now(),
                                   note=note)
    return before


def _move_meeting(actor: Any, meeting: Meeting, action: str, facts: rules.Facts | None = None,
                  summary: str = "") -> str:
    # No facts: the guards that need them (quorum, sign-in) refuse; see rules.Facts.
    step = rules.meeting_step(meeting.state, action, facts or rules.Facts())
    before = meeting.state
    meeting.state = step.target
    meeting.save(update_fields=["state"])
    MeetingStep.objects.create(meeting=meeting, action=action, from_state=before,
                               to_state=step.target, summary=summary, actor=_user(actor),
                               at=clock.now())
    return before


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _plan(topic: Topic) -> Plan | None:
    return Plan.objects.filter(topic=topic).select_related("convener", "recorder").first()


def _minutes_all_signed(topic: Topic) -> bool:
    meetings = Meeting.objects.filter(topic=topic).exclude(state=MeetingState.CANCELLED)
    if not meetings.exists():
        return False
    unsigned = meetings.exclude(minutes__convener_signed_at__isnull=False,
                                minutes__recorder_signed_at__isnull=False)
    return not unsigned.exists()


def _facts(topic: Topic, **extra: Any) -> rules.Facts:
    plan = _plan(topic)
    values: dict[str, Any] = {
        "major": topic.is_major, "technical": topic.technical, "mandatory": topic.mandatory,
        "plan_approved": bool(plan and plan.approved),
        "has_expert": bool(plan and plan.participants.filter(kind="expert").exists()),
        "minutes_signed": _minutes_all_signed(topic),
        "risk_assessed": RiskAssessment.objects.filter(topic=topic).exists(),
    }
    values.update(extra)
    return rules.Facts(**values)


def _users_of(people: Iterable[Person | None]) -> list[Any]:
    return [p.user for p in people if p is not None and p.user is not None]


def _participant_users(plan: Plan) -> list[Any]:
    return _users_of(p.person for p in plan.participants.select_related("person__user"))
