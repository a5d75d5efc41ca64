"""Many writers in one street at once, on PostgreSQL: the figures lose no update."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from yishi.core import clock
from yishi.core.tests.threads import run_together
from yishi.intake import services as intake
from yishi.intake.models import Opinion
from yishi.ledger import figures
from yishi.ledger.models import StaleFigures

from . import builders as b
from .test_figures import assert_figures_match_records

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_concurrent_writers_in_one_community_keep_the_figures_exact(
        tree: dict[str, Any], people: dict[str, Any]) -> None:
    a, bv = tree["a"], tree["b"]
    now = clock.now()
    earlier = [b.opinion(a, submitted=now - timedelta(days=3), due=clock.localdate())
               for _ in range(6)]
    b.refresh_figures()
    resident_a, resident_b = people["resident_a"].user, people["resident_b"].user

    def raise_in(community: Any, actor: Any) -> Callable[[], Any]:
        return lambda: intake.raise_opinion(actor=actor, community=community, place=community,
                                            title="路灯不亮", text="晚上太黑", category="traffic")

    def write_directly(i: int) -> Callable[[], Any]:
        """A change and another in one transaction, with no audit lock to queue on."""
        def job() -> Any:
            with transaction.atomic():
                b.opinion(a if i % 3 else bv, submitted=now - timedelta(days=i),
                          due=clock.localdate() - timedelta(days=1), category="sanitation")
                o = Opinion.objects.select_for_update().get(pk=earlier[i % len(earlier)].pk)
                if o.answered_at is None:
                    o.state, o.answered_at = "answered", timezone.now()
                    o.save()
            return "ok"
        return job

    jobs: list[Callable[[], Any]] = []
    for i in range(12):
        jobs.append(raise_in(a, resident_a) if i % 4 else raise_in(bv, resident_b))
        jobs.append(write_directly(i))
    results = run_together(jobs)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors

    # Every writer's own refresh after its commit ran: no note is left for the sweep below
    # the district, whose sum (and the city's) the worker adds up; then the figures say what
    # the records say, per community and summed for the street, the district and the city.
    assert not StaleFigures.objects.exclude(place__kind__in=figures.UPPER_KINDS).exists()
    b.run_worker()
    assert not StaleFigures.objects.exists()
    assert Opinion.objects.count() == 6 + 24
    today = clock.localdate()
    assert_figures_match_records([tree["city"], tree["street"]],
                                 sorted({today.year, (today - timedelta(days=12)).year}),
                                 [today, today + timedelta(days=30)])
