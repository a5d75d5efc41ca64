"""Run the deadline sweeps once: enqueue them for the worker, or run them here with --now."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yishi.core import sweeps


class Command(BaseCommand):
    help = (
        "Enqueue the sweeps (expired joint proposals, due-soon reminders, overdue flags, "
        "crash recovery) for the task worker, or run them in this process with --now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true",
                            help="run the sweeps here and now instead of enqueueing them")
        parser.add_argument("--only", action="append", default=[], metavar="NAME",
                            help="run only this sweep (repeatable); see --list")
        parser.add_argument("--today", type=date.fromisoformat, default=None,
                            metavar="YYYY-MM-DD", help="the day to sweep for (default: today)")
        parser.add_argument("--list", action="store_true", help="list the registered sweeps")

    def handle(self, *args: Any, **options: Any) -> None:
        registered = sweeps.registered()
        if options["list"]:
            for name in registered:
                self.stdout.write(name)
            return
        names: list[str] = options["only"]
        unknown = [n for n in names if n not in registered]
        if unknown:
            raise CommandError(f"unknown sweep(s): {', '.join(unknown)} (see --list)")
        today: date | None = options["today"]
        if options["now"]:
            try:
                results = sweeps.run(names=names or None, today=today)
            except sweeps.SweepFailed as exc:
                raise CommandError(str(exc)) from exc
            for name, result in results.items():
                self.stdout.write(f"{name}: {result}")
            return
        from yishi.core.tasks import sweep_deadlines

        result = sweep_deadlines.enqueue(names or None, today.isoformat() if today else None)
        self.stdout.write(f"enqueued sweep_deadlines as task {result.id}")
