"""Retry an action once when PostgreSQL gave up on its transaction.

The locks are taken in one order (docs/architecture.md, "Locks") and each locks only the
rows it means (``select_for_update(of=("self",))``), so writers queue rather than deadlock.
PostgreSQL may still abort a transaction it cannot serialise (SQLSTATE 40001) or one it
picked as a deadlock's victim (40P01): nothing of it was written, and running the action
again from the start is safe. ``retry_once`` does that, once, and only where the action
owns its transaction; inside a caller's transaction the caller's own retry runs instead.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.db import OperationalError, transaction

log = logging.getLogger("yishi.retry")

# serialization_failure, deadlock_detected
CONFLICTS = frozenset({"40001", "40P01"})

F = TypeVar("F", bound=Callable[..., Any])


def is_conflict(error: BaseException) -> bool:
    """A transaction PostgreSQL aborted so that another could go on."""
    cause = error.__cause__ or error
    return getattr(cause, "sqlstate", None) in CONFLICTS


def retry_once(action: F) -> F:
    @functools.wraps(action)
    def run(*args: Any, **kwargs: Any) -> Any:
        if transaction.get_connection().in_atomic_block:
            return action(*args, **kwargs)
        try:
            return action(*args, **kwargs)
        except OperationalError as error:
            if not is_conflict(error):
                raise
            log.warning("%s: %s; running it again", action.__qualname__,
                        getattr(error.__cause__, "sqlstate", "?"))
            return action(*args, **kwargs)

    return cast(F, run)
