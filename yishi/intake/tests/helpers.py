"""Small builders shared by the intake tests (on top of the places factories)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from yishi.intake import services
from yishi.intake.models import Opinion
from yishi.places.models import Person, Place

SHANGHAI = ZoneInfo("Asia/Shanghai")


def raise_as(person: Person, place: Place | None = None, *, title: str = "3栋楼道灯坏了",
             text: str = "楼道灯坏了一个星期，老人晚上上下楼不安全。",
             category: str = "utilities") -> Opinion:
    """The resident raises an opinion about a place in their own community."""
    assert person.community is not None
    return services.raise_opinion(
        actor=person.user, community=person.community, place=place or person.community,
        title=title, text=text, category=category,
    )


def freeze(monkeypatch: Any) -> Callable[[datetime], None]:
    """Set the clock the services read (``timezone.now`` and everything derived from it)."""

    def at(moment: datetime) -> None:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=SHANGHAI)
        utc = moment.astimezone(UTC)  # as the real ``timezone.now`` answers
        monkeypatch.setattr(timezone, "now", lambda: utc)

    return at


def years_ago(years: int, on: date | None = None, days: int = 0) -> date:
    """The date ``years`` before ``on`` (today), shifted by ``days``."""
    from datetime import timedelta

    from yishi.places.rules import latest_birth_date_for_age

    return latest_birth_date_for_age(years, on or timezone.localdate()) + timedelta(days=days)
