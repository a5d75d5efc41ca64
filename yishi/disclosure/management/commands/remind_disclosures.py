"""Send the 三务公开 reminders: ``python manage.py remind_disclosures`` (daily, from cron or
the task scheduler). Running it twice sends nothing twice."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yishi.core import clock
from yishi.disclosure.services import remind_due_disclosures


class Command(BaseCommand):
    help = "Remind community staff of disclosures due within a few days (once per item)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--days-before", type=int, default=5)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            today = date.fromisoformat(opts["today"]) if opts["today"] else clock.localdate()
        except ValueError as e:
            raise CommandError("--today must be YYYY-MM-DD") from e
        if not 0 <= opts["days_before"] <= 60:
            raise CommandError("--days-before must be between 0 and 60")
        items = remind_due_disclosures(today=today, days_before=opts["days_before"])
        self.stdout.write(f"{len(items)} disclosure reminders sent")
