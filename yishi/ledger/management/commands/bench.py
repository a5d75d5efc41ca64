"""``manage.py bench``: time the dashboards and ledgers on the current database.

A timed run, not a timed test: it prints the time and the number of queries of the city
dashboard, a street's dashboard, a district's ledger export (XLSX, as the background task
builds it) and a community's ledger page, on whatever database ``DATABASE_URL`` names.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from yishi.consult.models import Topic
from yishi.core import clock
from yishi.intake.models import Opinion
from yishi.ledger import exports, selectors
from yishi.ledger.generator import CITY_NAME
from yishi.places.models import Person, Place, PlaceKind, Role, RoleKind


def _bench_user(city: Place) -> Any:
    User = get_user_model()
    user, _ = User.objects.get_or_create(username="bench-city")
    person, _ = Person.objects.get_or_create(user=user, defaults={"name": "bench-city"})
    Role.objects.get_or_create(person=person, place=city, kind=RoleKind.CITY,
                               defaults={"start": date(2000, 1, 1)})
    return user


class Command(BaseCommand):
    help = "Print the time and query count of the city dashboard, a district export and a ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=3)
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args: Any, **o: Any) -> None:
        city = (Place.objects.filter(parent__isnull=True, name=CITY_NAME).first()
                or Place.objects.filter(parent__isnull=True, kind=PlaceKind.CITY).first())
        if city is None:
            raise CommandError("no city in this database: run `manage.py generate_city` first")
        year = o["year"] or clock.localdate().year
        p = selectors.period(year)
        district = (Place.objects.filter(kind=PlaceKind.DISTRICT, path__startswith=city.path)
                    .order_by("path").first())
        street = (Place.objects.filter(kind=PlaceKind.STREET, path__startswith=city.path)
                  .order_by("path").first())
        community = (Topic.objects.filter(community__path__startswith=city.path,
                                          community__kind=PlaceKind.COMMUNITY)
                     .values("community").annotate(n=Count("pk")).order_by("-n")
                     .values_list("community", flat=True).first())
        if district is None or street is None or community is None:
            raise CommandError("the city has no districts, streets or topics")
        user = _bench_user(city)
        client = Client()
        client.force_login(user)

        vendor = connection.vendor
        communities = Place.objects.filter(kind=PlaceKind.COMMUNITY,
                                           path__startswith=city.path).count()
        self.stdout.write(
            f"database: {vendor} · {communities:,} communities · "
            f"{Opinion.objects.count():,} opinions · {Topic.objects.count():,} topics · year {year}"
        )
        n_district = Place.objects.filter(kind=PlaceKind.COMMUNITY,
                                          path__startswith=district.path).count()

        def page(url: str) -> Callable[[], int]:
            def run() -> int:
                response = client.get(url)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
                return len(response.content)
            return run

        def export() -> int:
            return len(exports.ledger_xlsx(district, p))

        runs = [
            ("city dashboard", f"/ledger/places/{city.pk}/?year={year}", page(
                f"/ledger/places/{city.pk}/?year={year}")),
            ("street dashboard", f"/ledger/places/{street.pk}/?year={year}", page(
                f"/ledger/places/{street.pk}/?year={year}")),
            (f"district ledger export, XLSX ({n_district} communities)", district.name, export),
            ("community ledger page", f"/ledger/communities/{community}/{year}/", page(
                f"/ledger/communities/{community}/{year}/")),
        ]
        with override_settings(ALLOWED_HOSTS=["*"]):
            for label, what, run in runs:
                times: list[float] = []
                queries: list[int] = []
                size = 0
                for _ in range(max(1, o["repeat"])):
                    with CaptureQueriesContext(connection) as ctx:
                        t0 = time.perf_counter()
                        size = run()
                        times.append(time.perf_counter() - t0)
                    queries.append(len(ctx.captured_queries))
                self.stdout.write(
                    f"{label:<52} first {times[0]:7.3f} s · median {statistics.median(times):7.3f} s"
                    f" · {queries[-1]:3d} queries · {size / 1024:,.0f} KiB  [{what}]"
                )
