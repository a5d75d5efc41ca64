"""``manage.py generate_city``: city-scale data for the dashboards' benchmark."""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yishi.ledger.generator import AlreadyGenerated, Sizes, generate


class Command(BaseCommand):
    help = ("Write city-scale data (places, residents, opinions, topics with plans, meetings, "
            "votes and outcomes) with bulk inserts, for `manage.py bench`.")

    def add_arguments(self, parser: CommandParser) -> None:
        d = Sizes()
        parser.add_argument("--communities", type=int, default=d.communities)
        parser.add_argument("--opinions", type=int, default=d.opinions)
        parser.add_argument("--topics", type=int, default=d.topics, help="topics a year")
        parser.add_argument("--years", type=int, default=d.years,
                            help="years of history, this one included")
        parser.add_argument("--batch", type=int, default=d.batch)
        parser.add_argument("--seed", type=int, default=d.seed)
        parser.add_argument("--small", action="store_true",
                            help="a small city for tests (20 communities, 600 opinions)")

    def handle(self, *args: Any, **o: Any) -> None:
        if o["small"]:
            sizes = Sizes.small()
        else:
            for name in ("communities", "years", "batch"):
                if o[name] < 1:
                    raise CommandError(f"--{name} must be at least 1")
            if o["opinions"] < 0 or o["topics"] < 0:
                raise CommandError("--opinions and --topics cannot be negative")
            sizes = Sizes(communities=o["communities"], opinions=o["opinions"],
                          topics=o["topics"], years=o["years"], batch=o["batch"],
                          seed=o["seed"])
        self.stdout.write(f"generating: {sizes}")
        t0 = time.perf_counter()
        try:
            generate(sizes, say=self.stdout.write)
        except AlreadyGenerated as e:
            raise CommandError(f"{e}; use a fresh database") from e
        self.stdout.write(f"generated in {time.perf_counter() - t0:.1f} s")
        # The generator writes in bulk, past the notes the dashboards' figures keep: count them.
        call_command("rebuild_figures", quiet=True, stdout=self.stdout)
