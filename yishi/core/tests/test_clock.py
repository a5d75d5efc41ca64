"""The clock services read: Django's time, or the moment a caller set with ``clock.at``."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from yishi.core import clock


def test_outside_at_it_is_djangos_clock() -> None:
    assert abs(clock.now() - timezone.now()) < timedelta(seconds=5)
    assert clock.localdate() == timezone.localdate()


def test_at_sets_the_moment_and_the_local_date_in_beijing() -> None:
    # 2026-01-01 17:00 UTC is already 2 January in Beijing.
    moment = datetime(2026, 1, 1, 17, 0, tzinfo=UTC)
    with clock.at(moment):
        assert clock.now() == moment
        assert clock.localdate() == date(2026, 1, 2)
        with clock.at(moment - timedelta(days=30)):
            assert clock.localdate() == date(2025, 12, 3)
        assert clock.now() == moment
    assert clock.now() != moment


def test_another_thread_keeps_the_real_time() -> None:
    seen: list[datetime] = []
    with clock.at(datetime(2020, 5, 1, tzinfo=UTC)):
        t = threading.Thread(target=lambda: seen.append(clock.now()))
        t.start()
        t.join()
    assert seen[0].year >= 2026


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError), clock.at(datetime(2026, 1, 1)):
        pass


@pytest.mark.django_db
def test_records_made_under_at_are_stamped_with_its_moment(people) -> None:  # type: ignore[no-untyped-def]
    from yishi.core.models import Notification
    from yishi.core.notify import notify

    moment = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    with clock.at(moment):
        notify([people["resident_a"].user], "测试", "", "")
    assert Notification.objects.get().created_at == moment
