"""The keyed, hash-chained audit log: ``record`` appends, ``verify`` checks the chain.

Each event's hash is an HMAC (SM3 by default) over its content and the previous event's
hash, keyed with ``YISHI_AUDIT_KEY``, which lives outside the database (an environment
variable or a key file). Someone who can write to the database but does not hold the key
can neither edit an event nor re-chain the log after an edit. The head row carries an
HMAC of the count and the last hash, so the newest events cannot be cut off by rewriting
it. What the database alone cannot show (everything deleted at once, a cut-off tail with
an old head put back) the signed checkpoints show: ``write_checkpoint`` copies the head
to a file outside the database (``YISHI_AUDIT_CHECKPOINT_DIR``) every hour, recording an
``audit.checkpoint`` event as it does, and ``verify`` checks the chain against every file
and every file against the chain. On PostgreSQL a trigger refuses UPDATE and DELETE on
the events table (migration ``0006``). See docs/security.md, "Audit".
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from django.conf import settings
from django.db import IntegrityError, models, transaction

from . import clock
from .models import AuditEvent, AuditHead

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

GENESIS = "0" * 64
# Used only where DEBUG is on or under the tests; a production start refuses it
# (yishi.core.checks).
DEVELOPMENT_KEY = "yishi-development-audit-key-not-for-production"
CHECKPOINT_ACTION = "audit.checkpoint"
CHECKPOINT_ACTOR = "system:audit-checkpoint"


def _hash_name() -> str:
    name = getattr(settings, "YISHI_AUDIT_HASH", "sm3")
    try:
        hashlib.new(name)
    except ValueError:  # OpenSSL without SM3: fall back rather than refuse to write
        return "sha256"
    return str(name)


def audit_key() -> bytes:
    key = getattr(settings, "YISHI_AUDIT_KEY", "") or DEVELOPMENT_KEY
    return key.encode() if isinstance(key, str) else bytes(key)


def _digest(payload: bytes) -> str:
    """HMAC of ``payload`` under the audit key: what no database writer can compute."""
    name = _hash_name()
    return hmac.new(audit_key(), payload, lambda: hashlib.new(name)).hexdigest()


def _head_mac(count: int, last_hash: str, chain: str = "") -> str:
    # The township/city chain "" keeps the form it had when it was the only chain.
    name = f"head:{chain}:" if chain else "head:"
    return _digest(f"{name}{count}:{last_hash or GENESIS}".encode())


# --- Chains ----------------------------------------------------------------------------------

CITY_CHAIN = ""  # the township and city levels, accounts, the admin, the system


def chain_of(obj: models.Model | None) -> str:
    """The chain an event about ``obj`` goes to: the model's ``audit_chain`` (domain models
    inherit ``CommunityChained``), else the city's."""
    value = getattr(obj, "audit_chain", CITY_CHAIN) if obj is not None else CITY_CHAIN
    return str(value or CITY_CHAIN)


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
    if event.chain:  # so do those of the city's chain, the only one there once was
        body["chain"] = event.chain
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
    chain: str | None = None,
) -> AuditEvent:
    """Append one event to its chain; must run inside the caller's transaction.

    ``actor`` is a user or a ``SystemActor`` (``SystemActor("system:deadline-sweep")``):
    no event is written without saying who acted. ``actor_label`` is an extra note of who
    acted for a user (a courier recording for a resident). ``chain`` defaults to
    ``chain_of(obj)``: a community's records chain apart from every other community's.
    Only that chain's head is locked, and last of the action's locks (docs/architecture.md,
    "Locks").
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
    if chain is None:
        chain = chain_of(obj)
    # Lock the chain's head: two writers must not both chain onto the same previous hash.
    head = _locked_head(chain)
    event = AuditEvent(
        chain=chain,
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
    head.mac = _head_mac(head.count, head.last_hash, chain)
    head.save(update_fields=["last_hash", "count", "mac"])
    return event


def _locked_head(chain: str) -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(chain=chain).first()
    if head is not None:
        return head
    # A chain's first event: two writers may both find no head; one creates it, the other
    # waits on it (the unique chain), then locks the row the first one made.
    try:
        with transaction.atomic():
            return AuditHead.objects.create(chain=chain)
    except IntegrityError:
        return AuditHead.objects.select_for_update().get(chain=chain)


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(data, default=str))
    return result


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    bad_event_id: int | None = None
    reason: str = ""
    checkpoints: int = 0
    latest_checkpoint: Checkpoint | None = None
    chains: int = 0


# --- Checkpoints ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """The chains' heads as a signed file outside the database. In the city's chain, after
    ``count`` events the newest was ``last_id`` with hash ``last_hash`` (the checkpoint's
    own event); ``chains`` holds every community chain's (name, count, last hash) then."""

    count: int
    last_id: int
    last_hash: str
    at: str
    mac: str
    path: Path | None = None
    chains: tuple[tuple[str, int, str], ...] = ()

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"count": self.count, "last_id": self.last_id,
                                "last_hash": self.last_hash, "at": self.at}
        if self.chains:  # files from before the community chains sign as they did
            body["chains"] = {name: [count, last] for name, count, last in self.chains}
        return body

    def signed(self) -> bool:
        expected = _digest(b"checkpoint:" + json.dumps(self.body(), sort_keys=True).encode())
        return hmac.compare_digest(expected, self.mac)

    @property
    def short_hash(self) -> str:
        return self.last_hash[:16]


def checkpoint_dir() -> Path:
    return Path(getattr(settings, "YISHI_AUDIT_CHECKPOINT_DIR", "var/audit-checkpoints"))


def _checkpoint_name(count: int) -> str:
    return f"audit-checkpoint-{count:012d}.json"


def write_checkpoint(*, min_interval: timedelta | None = None) -> Checkpoint | None:
    """Record an ``audit.checkpoint`` event and write the head, signed, to a file.

    With ``min_interval`` nothing is written when the last checkpoint is more recent or
    no event came since (the hourly sweep). The file is written before the transaction
    commits: a commit that then fails leaves a file naming an event that does not exist,
    which ``verify`` reports rather than hides.
    """
    directory = checkpoint_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        head = _locked_head(CITY_CHAIN)
        if min_interval is not None:
            last = AuditEvent.objects.filter(action=CHECKPOINT_ACTION).order_by("-id").first()
            if last is not None and (last.pk == AuditEvent.objects.order_by("-id")
                                     .values_list("id", flat=True).first()
                                     or last.created_at > clock.now() - min_interval):
                return None
            if not AuditEvent.objects.exists():
                return None
        # The community chains' heads as committed now; each is a true state of its chain,
        # which ``verify`` later finds as a prefix of that chain. Not locked: no community
        # waits for the checkpoint.
        chains = tuple(AuditHead.objects.exclude(chain=CITY_CHAIN).order_by("chain")
                       .values_list("chain", "count", "last_hash"))
        name = _checkpoint_name(head.count + 1)
        event = record(actor=SystemActor(CHECKPOINT_ACTOR), action=CHECKPOINT_ACTION,
                       object_type="core.audithead", object_id=head.pk, chain=CITY_CHAIN,
                       after={"covers": head.count, "file": name, "chains": len(chains)})
        unsigned = Checkpoint(count=head.count + 1, last_id=event.pk, last_hash=event.hash,
                              at=event.created_at.isoformat(), mac="", chains=chains)
        body = unsigned.body()
        mac = _digest(b"checkpoint:" + json.dumps(body, sort_keys=True).encode())
        path = directory / name
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({**body, "mac": mac}, sort_keys=True, indent=1))
        tmp.replace(path)
    return replace(unsigned, mac=mac, path=path)


def read_checkpoints() -> list[Checkpoint]:
    """Every checkpoint file, oldest first; an unreadable one comes back unsigned."""
    directory = checkpoint_dir()
    found = []
    for path in sorted(directory.glob("audit-checkpoint-*.json")) if directory.is_dir() else []:
        try:
            data = json.loads(path.read_text())
            chains = tuple((str(name), int(count), str(last))
                           for name, (count, last) in sorted(data.get("chains", {}).items()))
            found.append(Checkpoint(count=int(data["count"]), last_id=int(data["last_id"]),
                                    last_hash=str(data["last_hash"]), at=str(data["at"]),
                                    mac=str(data["mac"]), path=path, chains=chains))
        except (OSError, ValueError, KeyError, TypeError):
            found.append(Checkpoint(count=-1, last_id=0, last_hash="", at="", mac="",
                                    path=path))
    return sorted(found, key=lambda c: c.count)


def latest_checkpoint() -> Checkpoint | None:
    signed = [c for c in read_checkpoints() if c.signed()]
    return signed[-1] if signed else None


def checkpoint_time(checkpoint: Checkpoint) -> datetime:
    return datetime.fromisoformat(checkpoint.at)


# --- Verification ----------------------------------------------------------------------------


def _chain_name(chain: str) -> str:
    return f"the chain of {chain}" if chain else "the city's chain"


def verify() -> VerifyResult:
    """Walk every chain in order, then hold each against its head and every checkpoint file.

    The first event whose hash or link is wrong is named. Then: each head must match its
    chain's last event and carry its HMAC; every ``audit.checkpoint`` event must have its
    file; every file must be signed, its event must be in the city's chain at its place,
    and each community chain it lists must still hold that many events, the same ones.
    """
    checkpoints = read_checkpoints()
    for cp in checkpoints:
        if not cp.signed():
            name = cp.path.name if cp.path else "?"
            return VerifyResult(False, 0, None, f"checkpoint file {name} is damaged or forged",
                                checkpoints=len(checkpoints))
    by_count = {cp.count: cp for cp in checkpoints}
    files = {cp.path.name for cp in checkpoints if cp.path}
    # What the files say each community chain held: {chain: {count: hash}}.
    promised: dict[str, dict[int, str]] = {}
    for cp in checkpoints:
        for name, count, last in cp.chains:
            promised.setdefault(name, {})[count] = last
    checked = 0
    # Per chain: the previous hash, the events seen, the last event's id.
    seen: dict[str, list[Any]] = {}

    def failed(event_id: int | None, reason: str) -> VerifyResult:
        return VerifyResult(False, checked, event_id, reason, checkpoints=len(checkpoints))

    for event in AuditEvent.objects.order_by("chain", "id").iterator(chunk_size=2000):
        state = seen.setdefault(event.chain, [GENESIS, 0, 0])
        if event.prev_hash != state[0]:
            return failed(event.pk, "link broken: an event before it was deleted or edited")
        if not hmac.compare_digest(_digest(_canonical(event)), event.hash):
            return failed(event.pk, "content edited, or the chain re-computed without the key")
        state[0], state[1], state[2] = event.hash, state[1] + 1, event.pk
        checked += 1
        position = state[1]
        if event.chain == CITY_CHAIN:
            here = by_count.get(position)
            if here is not None and (here.last_hash != event.hash or here.last_id != event.pk):
                return failed(event.pk, f"checkpoint {here.count} names another event here: "
                                        "events before it were replaced")
            if event.action == CHECKPOINT_ACTION and event.actor_label == CHECKPOINT_ACTOR:
                name = str(event.after.get("file", ""))
                if name not in files:
                    return failed(event.pk, f"checkpoint file {name} is missing")
        else:
            expected = promised.get(event.chain, {}).get(position)
            if expected is not None and expected != event.hash:
                return failed(event.pk, f"a checkpoint names another event here in "
                                        f"{_chain_name(event.chain)}: events were replaced")
    city = seen.get(CITY_CHAIN, [GENESIS, 0, 0])
    beyond = [cp for cp in checkpoints if cp.count > city[1]]
    if beyond:
        return failed(city[2] or None,
                      f"the newest events were deleted: checkpoint {beyond[-1].count} "
                      f"counts {beyond[-1].count} events in the city's chain, the database "
                      f"has {city[1]}")
    for name, counts in promised.items():
        have = seen.get(name, [GENESIS, 0, 0])
        if max(counts) > have[1]:
            return failed(have[2] or None,
                          f"the newest events of {_chain_name(name)} were deleted: a "
                          f"checkpoint counts {max(counts)}, the database has {have[1]}")
    heads = {h.chain: h for h in AuditHead.objects.all()}
    for name in sorted(set(seen) | set(heads)):
        prev, count, last_id = seen.get(name, [GENESIS, 0, 0])
        head = heads.get(name)
        if head is None:
            if count:
                # Every writer keeps the head; events without one means the head (and
                # perhaps the newest events with it) was deleted.
                return failed(last_id, f"{_chain_name(name)}: the head was deleted")
            continue
        if (head.last_hash or GENESIS) != prev:
            return failed(last_id or None,
                          f"the newest events of {_chain_name(name)} were deleted")
        if head.count != count:
            return failed(last_id or None, f"event count of {_chain_name(name)} does not match")
        if count and not hmac.compare_digest(head.mac,
                                             _head_mac(head.count, head.last_hash, name)):
            return failed(last_id, f"{_chain_name(name)}: the head was rewritten, "
                                   "the newest events were deleted")
    return VerifyResult(True, checked, checkpoints=len(checkpoints),
                        latest_checkpoint=checkpoints[-1] if checkpoints else None,
                        chains=len(seen))
