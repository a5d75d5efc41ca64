"""A street with two communities and a year of records: 幸福社区 meets the minimum with
exactly four consultations (one on New Year's Eve at 23:30), 桃园村 holds three."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from yishi.places.models import PlaceKind, RoleKind
from yishi.places.tests.factories import PlaceFactory, staff

from . import builders as b

YEAR = 2025


@pytest.fixture
def city(tree: dict[str, Any]) -> dict[str, Any]:
    """The shared tree plus a second street (with 远方社区) the township does not oversee."""
    other_street = PlaceFactory(name="远方街道", kind=PlaceKind.STREET, parent=tree["district"])
    far = PlaceFactory(name="远方社区", kind=PlaceKind.COMMUNITY, parent=other_street)
    return {**tree, "other_street": other_street, "far": far}


@pytest.fixture
def records(city: dict[str, Any]) -> dict[str, Any]:
    a, bv, far = city["a"], city["b"], city["far"]
    t0 = b.topic(a, title="楼道堆物清理", created=b.at(2024, 12, 10))
    m0 = b.meeting(t0, held=b.at(2025, 1, 8))
    b.outcome(t0, m0)
    t1 = b.consultation(a, b.at(2025, 4, 16), title="加装电梯")
    t2 = b.topic(a, title="停车位划线", created=b.at(2025, 5, 20))
    b.meeting(t2, held=b.at(2025, 6, 18), result="no_consensus")
    m2b = b.meeting(t2, held=b.at(2025, 12, 31, 23), number=2)  # 23:00 Beijing time
    b.outcome(t2, m2b, memo="二次协商形成共识")
    # Not consultations of 2025: held the year before, held on New Year's Day 2026 (Beijing
    # time, still 2025 in UTC), scheduled but never held, cancelled.
    old = b.topic(a, title="去年的议题", created=b.at(2024, 9, 1))
    b.meeting(old, held=b.at(2024, 10, 1))
    ny = b.topic(a, title="元旦议题", created=b.at(2025, 12, 1))
    b.meeting(ny, held=b.at(2026, 1, 1, 0))
    waiting = b.topic(a, title="待开会议题", created=b.at(2025, 11, 1), state="notified")
    b.meeting(waiting, held=None, scheduled=b.at(2025, 12, 10))
    cancelled = b.topic(a, title="取消的议题", created=b.at(2025, 3, 1), state="notified")
    b.meeting(cancelled, held=None, scheduled=b.at(2025, 3, 10), state="cancelled")

    for month in (3, 6, 9):
        b.consultation(bv, b.at(2025, month, 10), title=f"{month}月议事")
    # Opened before an empty room, nobody signed in: not a fourth consultation for 桃园村
    # (the street page's "1 of 2 communities met the minimum" depends on it).
    empty = b.topic(bv, title="无人签到的会议", created=b.at(2025, 7, 1))
    b.meeting(empty, held=b.at(2025, 7, 8), signed_in=False)
    b.consultation(far, b.at(2025, 5, 5), title="远方的议题")

    # Opinions: two overdue in 幸福社区, two answered (2 and 6 days), one in 桃园村.
    b.opinion(a, submitted=b.at(2025, 10, 9), due=date(2025, 10, 23))
    b.opinion(a, submitted=b.at(2025, 11, 3), due=date(2025, 11, 17), category="traffic")
    b.opinion(a, submitted=b.at(2025, 3, 2), due=date(2025, 3, 16), answered=b.at(2025, 3, 4),
              rating=3)
    b.opinion(a, submitted=b.at(2025, 3, 2), due=date(2025, 3, 16), answered=b.at(2025, 3, 8),
              rating=1)
    b.opinion(bv, submitted=b.at(2025, 7, 1), due=date(2025, 7, 15), answered=b.at(2025, 7, 3),
              rating=3, category="sanitation")
    # Follow-up: 加装电梯 has a task past its deadline and one done; 楼道堆物清理 was entrusted
    # by the street, whose answer is overdue; 停车位划线's answer came late.
    t1_out = t1.outcome
    b.task(t1, t1_out, title="安装电梯井道", deadline=date(2025, 6, 30))
    b.task(t1, t1_out, title="公示施工单位", deadline=date(2025, 5, 30),
           completed=b.at(2025, 5, 28))
    b.entrusted_answer(t0, city["street"], reported=b.at(2025, 1, 10), due=date(2025, 1, 24))
    b.entrusted_answer(t2, city["street"], reported=b.at(2025, 9, 1), due=date(2025, 9, 15),
                       answered=b.at(2025, 9, 20))
    # The commit would refresh the dashboards' figures; the test's transaction never commits.
    b.refresh_figures()
    return {"t0": t0, "t1": t1, "t2": t2, "ny": ny, "waiting": waiting,
            "cancelled": cancelled, "old": old}


@pytest.fixture
def users(city: dict[str, Any], people: dict[str, Any]) -> dict[str, Any]:
    return {**people, "city_official": staff(city["city"], username="city_official",
                                             kind=RoleKind.CITY)}


def client_for(username: str) -> Client:
    from django.contrib.auth import get_user_model

    c = Client()
    c.force_login(get_user_model().objects.get(username=username))
    return c
