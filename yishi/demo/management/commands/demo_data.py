"""``manage.py demo_data``: load the demo (once) and print the demo accounts."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from yishi.core import audit
from yishi.demo import builder


class Command(BaseCommand):
    help = (
        "Load the demo: 幸福社区 and 桃园村 under 和平街道 with their people, committee, "
        "opinions, joint proposals, consultations at every stage, implementation tasks, "
        "entrusted answers and the public notice board, and print the demo accounts. "
        "Running it again changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if builder.is_loaded():
            self.stdout.write("demo data already loaded")
        else:
            started = time.monotonic()
            for line in builder.build():
                self.stdout.write(line)
            # The first signed copy of the chain's head; the scheduler writes one hourly.
            audit.write_checkpoint()
            self.stdout.write(self.style.SUCCESS(
                f"demo data loaded in {time.monotonic() - started:.1f} s"))
        self.stdout.write("")
        self.stdout.write(builder.accounts_table())
