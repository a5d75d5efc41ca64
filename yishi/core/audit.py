"""The hash-chained audit log: ``record`` appends, ``verify`` checks the chain."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

from django.conf import settings
from django.db import models, transaction

from . import clock
from .models import AuditEvent, AuditHead

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

GENESIS = "0" * 64


def _digest(payload: bytes) -> str:
    name = getattr(settings, "YISHI_AUDIT_HASH", "sm3")
    try:
        h = hashlib.new(name)
    except ValueError:  # OpenSSL without SM3: fall back rather than refuse to write
        h = hashlib.sha256()
    h.update(payload)
    return h.hexdigest()


@dataclass(frozen=True)
class SystemActor:
    """A job acting on its own (a sweep, an expiry), named so the log says which one.

    Services take ``actor: Actor``: a user, or one of these; never ``None``.
    """

    name: str

    def __post_init__(self) -> None:
        if not self.name.startswith("system:"):
            raise ValueError("a system actor's name starts with 'system:'")

    def __str__(self) -> str:
        return self.name


Actor = Union["AbstractBaseUser", SystemActor]

_action_id: ContextVar[str | None] = ContextVar("yishi_audit_action", default=None)


@contextmanager
def user_action(action_id: str | None = None) -> Iterator[str]:
    """Every audit event written inside the block carries the same action id.

    The middleware opens one per request and the sweeps one per sweep; a block inside
    another keeps the outer id, so one action's events always read together.
    """
    current = _action_id.get()
    if current is not None:
        yield current
        return
    token = _action_id.set(action_id or uuid.uuid4().hex)
    try:
        yield _action_id.get() or ""
    finally:
        _action_id.reset(token)


class UserActionMiddleware:
    """One action id per request, for the audit events the request writes."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        with user_action():
            return self.get_response(request)


def _canonical(event: AuditEvent) -> bytes:
    body = {
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
        "created_at": event.created_at.isoformat(),
        "prev": event.prev_hash,
    }
    if event.action_id:  # events from before action ids hash as they always did
        body["action_id"] = event.action_id
    return json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode()


def record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event; must run inside the caller's transaction.

    ``actor`` is a user or a ``SystemActor`` (``SystemActor("system:deadline-sweep")``):
    no event is written without saying who acted. ``actor_label`` is an extra note of who
    acted for a user (a courier recording for a resident).
    """
    if actor is None:
        raise ValueError("an audit event needs an actor: a user or a SystemActor")
    user: Any = None
    if isinstance(actor, SystemActor):
        actor_label = actor.name
    elif getattr(actor, "pk", None):
        user = actor
    else:
        raise ValueError("an audit event's user must be saved (have a primary key)")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the action's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk
    # Lock the head row: two writers must not both chain onto the same previous hash.
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    event = AuditEvent(
        actor=user,
        actor_label=actor_label,
        # Outside a request or sweep each event is an action of its own.
        action_id=_action_id.get() or uuid.uuid4().hex,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=_jsonable(before or {}),
        after=_jsonable(after or {}),
        created_at=clock.now(),
        prev_hash=head.last_hash or GENESIS,
    )
    event.hash = _digest(_canonical(event))
    event.save()
    head.last_hash = event.hash
    head.count += 1
    head.save(update_fields=["last_hash", "count"])
    return event


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(data, default=str))
    return result


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    bad_event_id: int | None = None
    reason: str = ""


def verify() -> VerifyResult:
    """Walk the chain in order; the first event whose hash or link is wrong is named."""
    prev = GENESIS
    checked = 0
    last_id = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev:
            return VerifyResult(False, checked, event.pk, "link broken: an event before it "
                                "was deleted or edited")
        if _digest(_canonical(event)) != event.hash:
            return VerifyResult(False, checked, event.pk, "content edited")
        prev = event.hash
        last_id = event.pk
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is None and checked:
        # Every writer keeps the head; events without one means the head (and perhaps the
        # newest events with it) was deleted.
        return VerifyResult(False, checked, last_id, "the chain head was deleted")
    if head is not None and (head.last_hash or GENESIS) != prev:
        return VerifyResult(False, checked, last_id or None, "the newest events were deleted")
    if head is not None and head.count != checked:
        return VerifyResult(False, checked, last_id or None, "event count does not match")
    return VerifyResult(True, checked)
