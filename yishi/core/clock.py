"""The clock every action reads: ``clock.now()`` and ``clock.localdate()``.

Services, selectors and views ask this module for the time instead of calling
``timezone.now()`` themselves, so a caller can run actions at a moment of its choosing
without patching Django: the demo builder replays months of a community's work with
``with clock.at(moment): services.…``, each action stamped (audit chain included) with
its own moment. Outside ``at`` it is Django's clock. ``at`` is per thread and per task
(a context variable), so concurrent requests never see each other's moment.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime

from django.utils import timezone

_moment: ContextVar[datetime | None] = ContextVar("yishi_clock_moment", default=None)


def now() -> datetime:
    """The current moment, aware, in UTC (as ``timezone.now()`` returns it)."""
    moment = _moment.get()
    return moment if moment is not None else timezone.now()


def localdate() -> date:
    """Today in the site's time zone (Beijing): the date deadlines and periods count from."""
    return timezone.localdate(now())


@contextmanager
def at(moment: datetime) -> Iterator[datetime]:
    """Run the block as if it were ``moment`` (aware); nested blocks see the innermost."""
    if timezone.is_naive(moment):
        raise ValueError("clock.at needs an aware datetime")
    token = _moment.set(moment.astimezone(UTC))
    try:
        yield moment
    finally:
        _moment.reset(token)
