"""Reads from a read replica, for the pages that opt in (``YISHI_REPLICA_URL``).

A PostgreSQL streaming replica is a copy of the primary a moment behind it. The public
notice board and the street and city dashboards are read by many and written by few, and
a few seconds' lag does them no harm, so their views say ``@reads_from_replica`` and
``ReplicaRouter`` sends the ORM reads made inside them to a replica. Everything else goes
to the primary (``default``), and so does every read

- outside such a view, or without replicas configured (then nothing changes at all);
- inside ``transaction.atomic()``: what a transaction reads, it reads where it writes;
- after the request wrote anything, so a page never shows less than its own request did;
- for ten seconds after the browser's last POST (or other write), by a cookie
  (``PinAfterWriteMiddleware``): staff who post a notice land on its public page, and a
  resident who raised an opinion opens the board, without waiting for the replica;
- of accounts, sessions, second factors and the task queue (``PRIMARY_ONLY_APPS``): a
  session read from a lagging replica would sign its user out.

Raw SQL on ``django.db.connection`` always runs on the primary. Each request in the scope
keeps one replica (picked at random among several), so its queries see one snapshot
moment. Lag: see ``docs/scaling.md``, "Read replicas".
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

# Read from the primary, always: a lagging copy of these signs users out or re-runs tasks.
PRIMARY_ONLY_APPS = frozenset({
    "auth", "sessions", "django_otp", "otp_totp", "otp_static", "django_tasks_database",
})
# Present (any value) for YISHI_REPLICA_PIN_SECONDS after a request that wrote.
PIN_COOKIE = "yishi_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


@dataclass
class _Reads:
    """One request's (or one scope's) state: the replica it reads from, whether it wrote."""

    replica: str | None = None
    wrote: bool = False


_reads: ContextVar[_Reads | None] = ContextVar("yishi_reads", default=None)


def replica_aliases() -> list[str]:
    return list(getattr(settings, "YISHI_READ_REPLICAS", []))


def current_replica() -> str | None:
    """The replica this scope's reads go to (None: the primary)."""
    state = _reads.get()
    return state.replica if state is not None and not state.wrote else None


@contextmanager
def replica_reads() -> Iterator[None]:
    """Inside: ORM reads go to a replica, as the router's rules allow. Nests (the outer
    scope's replica stays), and after a write in the request does nothing."""
    aliases = replica_aliases()
    state = _reads.get()
    if not aliases or (state is not None and (state.replica is not None or state.wrote)):
        yield
        return
    token = None
    if state is None:  # outside PinAfterWriteMiddleware (a test, a command)
        state = _Reads()
        token = _reads.set(state)
    state.replica = random.choice(aliases)  # noqa: S311 (load spreading, not a secret)
    try:
        yield
    finally:
        state.replica = None
        if token is not None:
            _reads.reset(token)


V = TypeVar("V", bound=Callable[..., Any])


def reads_from_replica(view: V) -> V:
    """A view whose reads may lag the primary by seconds (see the module's docstring)."""

    @wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
        if PIN_COOKIE in request.COOKIES:  # this browser wrote a moment ago
            return view(request, *args, **kwargs)
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def _is_replica(db: str | None) -> bool:
    return db is not None and db in replica_aliases()


class ReplicaRouter:
    """Installed (``DATABASE_ROUTERS``) only when ``YISHI_REPLICA_URL`` names replicas."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        replica = current_replica()
        if (replica is not None and model._meta.app_label not in PRIMARY_ONLY_APPS
                and not connections[DEFAULT_DB_ALIAS].in_atomic_block):
            return replica
        # Outside the scope an object read from a replica reads its relations from the
        # primary; anything else as Django would (the object's database, or default).
        instance = hints.get("instance")
        if instance is not None and _is_replica(instance._state.db):
            return DEFAULT_DB_ALIAS
        return None

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        state = _reads.get()
        if state is not None and model._meta.app_label not in PRIMARY_ONLY_APPS:
            # The rest of the request reads the primary. (Renewing a session is no write
            # of the pages' data, and would pin every signed-in user.)
            state.wrote = True
        instance = hints.get("instance")
        if instance is not None and _is_replica(instance._state.db):
            return DEFAULT_DB_ALIAS  # an object read from a replica is saved to the primary
        return None

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        ours = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in ours and obj2._state.db in ours:
            return True  # one database: a replica holds the primary's rows
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None,
                      **hints: Any) -> bool | None:
        return False if _is_replica(db) else None  # a replica replays the primary's DDL


class PinAfterWriteMiddleware:
    """Tracks whether a request wrote; after a write (or any POST) the browser reads the
    primary for ``YISHI_REPLICA_PIN_SECONDS``, so it finds what it just wrote."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        state = _Reads()
        token = _reads.set(state)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if state.wrote or request.method not in SAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE, "1", max_age=settings.YISHI_REPLICA_PIN_SECONDS, httponly=True,
                samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response
