"""The hash-chained audit log: ``record`` appends, ``verify`` checks the chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from .models import AuditEvent, AuditHead

GENESIS = "0" * 64


def _digest(payload: bytes) -> str:
    name = getattr(settings, "YISHI_AUDIT_HASH", "sm3")
    try:
        h = hashlib.new(name)
    except ValueError:  # OpenSSL without SM3: fall back rather than refuse to write
        h = hashlib.sha256()
    h.update(payload)
    return h.hexdigest()


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
    return json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode()


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event; must run inside the caller's transaction.

    ``actor`` is a user or ``None`` for the system, which then needs an ``actor_label``
    (``"system:deadline-sweep"``): no event is written without saying who acted.
    """
    if actor is None and not actor_label:
        raise ValueError("an audit event needs an actor or an actor_label")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the action's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk
    # Lock the head row: two writers must not both chain onto the same previous hash.
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    event = AuditEvent(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=_jsonable(before or {}),
        after=_jsonable(after or {}),
        created_at=timezone.now(),
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
