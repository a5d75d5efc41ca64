"""Enqueue ``sweep_deadlines`` every few minutes: the clock the task worker does not have.

Run one beside the workers (``make demo`` does): ``manage.py scheduler --every 300``.
Every minute (``--recover-every``) it also puts back in the queue the tasks of workers
that died (``requeue_stale_tasks``), itself rather than through a worker, so recovery
does not wait for the next sweep or depend on a live worker.
More than one scheduler is harmless but wasteful: a tick that finds a sweep still waiting
in the queue enqueues no other, and every sweep is idempotent.
"""

from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone


def _positive(value: str) -> float:
    seconds = float(value)
    if not seconds > 0:
        raise ValueError("must be more than 0")
    return seconds


class Command(BaseCommand):
    help = "Enqueue the deadline sweeps periodically for the task worker (manage.py db_worker)."
    running = True
    verbosity = 1

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=_positive, default=300.0, metavar="SECONDS",
                            help="seconds between two sweeps (default: %(default)s)")
        parser.add_argument("--recover-every", type=_positive, default=60.0, metavar="SECONDS",
                            help="seconds between two checks for tasks of dead workers "
                                 "(default: %(default)s)")
        parser.add_argument("--once", action="store_true", help="enqueue one sweep and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        self.running = True
        self.verbosity = int(options["verbosity"])
        every: float = options["every"]
        if options["once"]:
            self.recover()
            self.tick()
            return

        def stop(signum: int, frame: FrameType | None) -> None:
            self.running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"scheduler: sweep_deadlines every {every:g} s (Ctrl+C to stop)")
        recover_every: float = options["recover_every"]
        next_at = next_recover_at = time.monotonic()
        while self.running:
            if time.monotonic() >= next_recover_at:
                try:
                    self.recover()
                except Exception as exc:  # as for a tick: the next check comes
                    self.stderr.write(f"scheduler: recovery failed: {exc}")
                next_recover_at = time.monotonic() + recover_every
            if time.monotonic() >= next_at:
                close_old_connections()
                try:
                    self.tick()
                except Exception as exc:  # the database restarting must not end the clock
                    self.stderr.write(f"scheduler: tick failed: {exc}")
                close_old_connections()
                next_at += every
                next_at = max(next_at, time.monotonic())
            time.sleep(min(1.0, max(0.0, min(next_at, next_recover_at) - time.monotonic())))

    def recover(self) -> int:
        """Re-queue the tasks of dead workers now; how many were re-queued."""
        from yishi.core.tasks import requeue_stale_tasks

        requeued = requeue_stale_tasks()
        if requeued:
            stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
            self.stdout.write(f"{stamp} re-queued {requeued} task(s) of a dead worker")
        return requeued

    def tick(self) -> bool:
        """Enqueue a sweep unless one is already waiting; True when one was enqueued."""
        from django_tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        from yishi.core.tasks import sweep_deadlines

        waiting = DBTaskResult.objects.filter(
            task_path=sweep_deadlines.module_path, status=TaskResultStatus.READY
        ).exists()
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
        if waiting:
            self.stdout.write(f"{stamp} a sweep is still waiting for a worker; none added")
            return False
        result = sweep_deadlines.enqueue()
        if self.verbosity > 1:
            self.stdout.write(f"{stamp} enqueued sweep_deadlines {result.id}")
        return True
