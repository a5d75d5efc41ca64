"""Time the public notice board: ``python manage.py bench_board``.

By default it adds ~200 notices to a community (a scratch one if the database has none)
inside a transaction it rolls back, so the database is left as it was; ``--as-is``
measures the board of the data already there. Requests go through Django's test Client
(the whole middleware and template stack, no network), after a warm-up.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from yishi.core import clock
from yishi.disclosure.models import Notice, NoticeKind
from yishi.disclosure.search import index_text
from yishi.places.models import Place, PlaceKind


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Benchmark the public notice board page (median, p95, queries per request)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--community", type=int, help="community id (default: the first)")
        parser.add_argument("--notices", type=int, default=200, help="notices to add (default 200)")
        parser.add_argument("--requests", type=int, default=200, help="timed requests (default 200)")
        parser.add_argument("--as-is", action="store_true",
                            help="measure the data already in the database, add nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            with transaction.atomic():
                community = self._community(opts["community"], create=not opts["as_is"])
                if not opts["as_is"]:
                    self._add_notices(community, opts["notices"])
                self._run(community, max(1, opts["requests"]))
                raise _Rollback
        except _Rollback:
            pass

    def _community(self, pk: int | None, *, create: bool) -> Place:
        qs = Place.objects.filter(kind=PlaceKind.COMMUNITY)
        community = qs.filter(pk=pk).first() if pk else qs.order_by("pk").first()
        if community is not None:
            return community
        if pk or not create:
            raise CommandError("no such community")
        street = Place.objects.create(name="基准测试街道", kind=PlaceKind.STREET)
        return Place.objects.create(name="基准测试社区", kind=PlaceKind.COMMUNITY, parent=street)

    def _add_notices(self, community: Place, n: int) -> None:
        today = clock.localdate()
        now = clock.now()
        rows = []
        for i in range(n):
            # Spread over a year and a half: a board has a few dozen current notices.
            starts = today - timedelta(days=(i * 3) % 540)
            title = f"关于第{i + 1}号事项的公示（垃圾分类、加装电梯、物业费）"
            body = ("经社区协商议事会议商议，现将有关事项公示如下。" * 8
                    + f"公示期内如有异议，请与社区居委会联系，电话1380000{i:04d}。")
            rows.append(Notice(
                community=community, title=title, body=body, kind=NoticeKind.OTHER,
                issuer=f"{community.name}居民委员会", issued_on=starts, starts_on=starts,
                ends_on=starts + timedelta(days=7 + i % 24), created_at=now,
                search_text=index_text(title, body),
            ))
        Notice.objects.bulk_create(rows, batch_size=200)

    def _run(self, community: Place, requests: int) -> None:
        url = f"/public/{community.pk}/"
        client = Client()
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            for _ in range(10):  # warm-up: templates, translations, connection
                client.get(url)
            timings, queries = [], []
            for _ in range(requests):
                with CaptureQueriesContext(connection) as ctx:
                    start = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
                queries.append(len(ctx.captured_queries))
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        shown = Notice.objects.current(clock.localdate()).filter(community=community).count()
        total = Notice.objects.filter(community=community).count()
        self.stdout.write(
            f"board {url} ({connection.vendor}): {requests} requests, {total} notices, "
            f"{shown} posted now\n"
            f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, "
            f"queries per request {min(queries)}–{max(queries)}"
        )
