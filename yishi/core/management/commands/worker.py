"""``manage.py worker``: the task worker (``db_worker``) with a heartbeat.

Every ``YISHI_WORKER_BEAT`` seconds a thread writes the worker's ``WorkerBeat``. When a
worker is killed its beats stop, and the scheduler puts the task it was running back in
the queue two minutes later (``yishi.core.tasks.requeue_stale_tasks``), while a long task
of a live worker is left to finish. Takes every option ``db_worker`` takes.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from yishi.core.tasks import beat

log = logging.getLogger(__name__)


def _beat_forever(worker_id: str, every: float, stop: threading.Event) -> None:
    try:
        while not stop.wait(every):
            try:
                beat(worker_id)
            except DatabaseError as exc:  # a busy or restarting database: beat next time
                log.warning("worker %s: heartbeat not written: %s", worker_id, exc)
    finally:
        connection.close()  # this thread's own connection


class Command(DbWorkerCommand):
    help = "Run the task worker, with a heartbeat so that a crashed run is re-queued."

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id: str = options["worker_id"]
        beat(worker_id)  # before the first task is claimed
        stop = threading.Event()
        every = float(getattr(settings, "YISHI_WORKER_BEAT", 30))
        thread = threading.Thread(target=_beat_forever, args=(worker_id, every, stop),
                                  name="yishi-worker-beat", daemon=True)
        thread.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
