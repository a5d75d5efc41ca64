"""``manage.py rebuild_figures``: count the dashboards' figures again from the records."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yishi.ledger import figures


class Command(BaseCommand):
    help = ("Count every community's dashboard figures from its records, correct the rows "
            "that differ and print each correction (the nightly sweep does the same).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true",
                            help="print only the totals, not each correction")

    def handle(self, *args: Any, **o: Any) -> None:
        t0 = time.perf_counter()
        report = figures.rebuild(
            say=None if o["quiet"] else (lambda line: self.stdout.write(f"corrected: {line}")))
        self.stdout.write(
            f"checked {report.checked:,} place-years, corrected {report.corrected:,} rows "
            f"in {time.perf_counter() - t0:.1f} s")
