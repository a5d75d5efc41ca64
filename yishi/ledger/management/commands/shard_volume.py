"""``manage.py shard_volume``: the data volume per shard of a national Yishi on Citus.

Reads only the catalogue (table sizes, ``reltuples``) and counts of the current
PostgreSQL database, so it can run beside the live service; the arithmetic and the
placement of every table are in ``yishi/ledger/shard_volume.py``, the argument in
``docs/scaling.md``. For example, on a generated city::

    manage.py shard_volume --shards 16 32 64
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from yishi.ledger import shard_volume as sv


class Command(BaseCommand):
    help = ("Extrapolate this PostgreSQL database's table sizes to the national scale and "
            "print the data volume per table and per Citus shard (sharded by community).")

    def add_arguments(self, parser: CommandParser) -> None:
        d = sv.Scale()
        parser.add_argument("--villages", type=int, default=600_000)
        parser.add_argument("--communities", type=int, default=d.communities - 600_000,
                            help="urban communities (besides the villages)")
        parser.add_argument("--opinions", type=int, default=d.opinions,
                            help="opinions over the whole period")
        parser.add_argument("--years", type=int, default=d.years)
        parser.add_argument("--shards", type=int, nargs="+", default=[32],
                            help="shard counts to simulate, e.g. --shards 16 32 64")
        parser.add_argument("--seed", type=int, default=1,
                            help="of the simulated hash distribution (the output repeats)")
        parser.add_argument("--exact", action="store_true",
                            help="count every table's rows instead of reading reltuples")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **o: Any) -> None:
        connection = connections[o["database"]]
        if connection.vendor != "postgresql":
            raise CommandError(_(
                "shard_volume reads PostgreSQL's catalogue (table sizes and row estimates); "
                "this database is %(vendor)s. Set DATABASE_URL to a PostgreSQL database.")
                % {"vendor": connection.vendor})
        scale = sv.Scale(communities=o["villages"] + o["communities"], opinions=o["opinions"],
                         years=o["years"])
        if min(scale.communities, scale.opinions, scale.years, *o["shards"]) < 1:
            raise CommandError(_("Communities, opinions, years and shards must be at least 1."))
        measured = sv.measure(connection, exact=o["exact"])
        if measured.communities < 1 or measured.opinions < 1:
            raise CommandError(_(
                "This database holds no communities with opinions to extrapolate from: run "
                "`manage.py generate_city` first (or point DATABASE_URL at a city)."))
        for line in sv.report(measured, scale, o["shards"], seed=o["seed"]):
            self.stdout.write(line)
