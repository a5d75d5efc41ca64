"""Background tasks (DEP 14 task framework, database backend) and their crash recovery.

Run the worker with ``manage.py worker`` (``db_worker`` with a heartbeat) and the periodic
sweeps with ``manage.py scheduler`` (``make demo`` starts both). The database backend has
no retries of its own: a task that raises is marked FAILED, and a task whose worker died stays RUNNING. So:

- ``deliver_notifications`` never lets a channel's failure escape: it records the error
  on the ``Delivery`` and enqueues itself again after a back-off
  (``YISHI_DELIVERY_RETRY_DELAYS``), until the attempts are spent;
- ``requeue_stale_tasks`` (run by the scheduler every minute, and as a sweep) puts a task
  back to READY when the worker running it stopped beating (``manage.py worker`` writes a
  ``WorkerBeat`` every 30 seconds) for 2 minutes, if it is marked retryable (safe to run
  twice) and has not already killed ``MAX_TASK_RUNS`` workers;
- ``redeliver_pending`` (a sweep) enqueues deliveries whose task was lost, e.g. when the
  process died between the action's commit and its ``on_commit`` enqueue.

Exactly once per channel: ``deliver`` counts the attempt in one transaction, then sends
under the ``Delivery`` row lock and marks it sent in the same transaction. The crash
points and what follows each:

1. before the attempt is counted: nothing happened; the retry sends once;
2. during the send (the gateway raised): the error is recorded; the retry sends once;
3. after the gateway accepted, before commit: the row is still pending and the retry
   sends again with the same ``Delivery.key``; a gateway that dedupes by it (as the
   outbox ``FileBackend`` does) keeps it to one message;
4. after commit, before the task was marked successful: the re-queued task finds the
   delivery sent and does nothing.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django_tasks import TaskResultStatus, task
from django_tasks.base import Task

from . import clock
from .channels import Backend, Message, absolute_link, configured_backends
from .models import Delivery, DeliveryStatus

log = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS = (60, 300, 1800, 7200, 21600)  # seconds after attempt 1, 2, …
MAX_TASK_RUNS = 3  # a task that died with its worker this often is given up, not re-run
REDELIVER_GRACE = timedelta(minutes=5)
LEASE = timedelta(seconds=60)  # how long an attempt keeps duplicates off its delivery
CHUNK = 100

# Task paths that are safe to run twice, so a crashed run may be re-queued.
RETRYABLE_TASKS: set[str] = set()


def retryable(t: Task[Any, Any]) -> Task[Any, Any]:
    """Declare a task idempotent: after a worker crash it is run again."""
    RETRYABLE_TASKS.add(t.module_path)
    return t


def retry_delays() -> tuple[int, ...]:
    return tuple(getattr(settings, "YISHI_DELIVERY_RETRY_DELAYS", DEFAULT_RETRY_DELAYS))


def max_attempts() -> int:
    return len(retry_delays()) + 1


# --- Notifications ----------------------------------------------------------------------


def _lock(delivery_id: int, *, wait: bool = False) -> Delivery | None:
    """The delivery row, locked; None when another worker holds it (it will finish it).

    On PostgreSQL ``skip_locked`` lets two workers with duplicate tasks pass each other
    instead of queueing; the lease holder waits (``wait``), since whoever holds the row
    then is a duplicate about to see the lease and let go. On SQLite ``select_for_update``
    is a plain select, and the IMMEDIATE transaction (settings) already holds the
    database's write lock.
    """
    return (
        Delivery.objects.select_for_update(skip_locked=not wait, of=("self",))
        .select_related("notification__recipient")
        .filter(pk=delivery_id)
        .first()
    )


def deliver(delivery_id: int, *, backends: dict[str, Backend] | None = None) -> str:
    """Send one delivery if it is still pending; returns what happened.

    ``"sent"``, ``"retry"`` (failed, will be tried again), ``"failed"`` (attempts spent or
    channel gone), ``"skipped"`` (no address), ``"busy"`` (another worker has it), or the
    status it already had.
    """
    backends = configured_backends() if backends is None else backends
    now = clock.now()
    # Step 1: count the attempt in its own transaction, so an attempt that kills the worker
    # still counts and a message that crashes every worker is given up in the end.
    with transaction.atomic():
        d = _lock(delivery_id)
        if d is None:
            return "busy"
        if d.status != DeliveryStatus.PENDING:
            return str(d.status)
        if d.attempts and d.next_attempt_at > now:
            # Another task counted an attempt and holds the lease (it is between its two
            # transactions, or backing off): counting a second attempt here would spend
            # the attempts of one message on its duplicates.
            return "busy"
        backend = backends.get(d.channel)
        if backend is None:
            d.status = DeliveryStatus.FAILED
            d.last_error = f"channel {d.channel!r} is no longer configured"
            d.save(update_fields=["status", "last_error"])
            return "failed"
        if not backend.address(d.notification.recipient):
            d.status = DeliveryStatus.SKIPPED
            d.save(update_fields=["status"])
            return "skipped"
        if d.attempts >= max_attempts():
            d.status = DeliveryStatus.FAILED
            d.save(update_fields=["status"])
            return "failed"
        d.attempts += 1
        # A lease: duplicates and the redelivery sweep leave it alone until it has passed.
        # It is at least LEASE long even when the back-off is shorter; a failed send below
        # sets the back-off itself.
        backoff = timedelta(seconds=_delay_after(d.attempts))
        d.next_attempt_at = now + max(backoff, LEASE)
        d.save(update_fields=["attempts", "next_attempt_at"])

    # Step 2: send under the row lock and mark it sent in the same transaction, so a
    # duplicate or re-queued task that comes later finds it sent.
    with transaction.atomic():
        d = _lock(delivery_id, wait=True)
        if d is None:
            return "busy"
        if d.status != DeliveryStatus.PENDING:
            return str(d.status)
        note = d.notification
        message = Message(
            key=d.key, channel=d.channel, address=backend.address(note.recipient),
            subject=note.subject, body=note.body, link=absolute_link(note.link),
            recipient_id=note.recipient_id,
        )
        try:
            ref = backend.send(message)
        except Exception as exc:  # a gateway's refusal or timeout: record it and retry later
            log.warning("delivery %s via %s failed (attempt %s): %s",
                        d.pk, d.channel, d.attempts, exc)
            d.last_error = f"{type(exc).__name__}: {exc}"[:500]
            spent = d.attempts >= max_attempts()
            if spent:
                d.status = DeliveryStatus.FAILED
            d.next_attempt_at = now + backoff
            d.save(update_fields=["last_error", "status", "next_attempt_at"])
            return "failed" if spent else "retry"
        d.status = DeliveryStatus.SENT
        d.sent_at = clock.now()
        d.provider_ref = str(ref or "")[:200]
        d.last_error = ""
        d.save(update_fields=["status", "sent_at", "provider_ref", "last_error"])
        return "sent"


def _delay_after(attempt: int) -> int:
    delays = retry_delays()
    if not delays:
        return 0
    return int(delays[min(attempt, len(delays)) - 1])


@retryable
@task()
def deliver_notifications(delivery_ids: list[int]) -> dict[str, int]:
    """Send the given deliveries; those that failed are enqueued again after their back-off."""
    backends = configured_backends()
    outcome: Counter[str] = Counter()
    again: list[int] = []
    for pk in delivery_ids:
        try:
            result = deliver(pk, backends=backends)
        except Exception:  # e.g. the database went away: the redelivery sweep picks it up
            log.exception("delivery %s could not be processed", pk)
            result = "error"
        outcome[result] += 1
        if result == "retry":
            again.append(pk)
    if again:
        enqueue_deliveries(again)
    return dict(outcome)


def enqueue_deliveries(delivery_ids: Iterable[int]) -> None:
    """Enqueue delivery tasks, in chunks, each to run when its deliveries are due."""
    ids = sorted(set(delivery_ids))
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        due = Delivery.objects.filter(pk__in=chunk).aggregate(at=Min("next_attempt_at"))["at"]
        t = deliver_notifications
        if due is not None and due > clock.now():
            t = t.using(run_after=due)
        t.enqueue(chunk)


def redeliver_pending(*, now: datetime | None = None) -> int:
    """Enqueue pending deliveries that no task is going to send (their task was lost)."""
    now = now or clock.now()
    ids = list(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now - REDELIVER_GRACE
        ).values_list("pk", flat=True)[:10 * CHUNK]
    )
    if ids:
        # Lease them for the grace period so the next sweep does not enqueue them again.
        Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
            next_attempt_at=now
        )
        enqueue_deliveries(ids)
    return len(ids)


# --- Sweeps and crash recovery -----------------------------------------------------------


@retryable
@task()
def sweep_deadlines(names: list[str] | None = None, today: str | None = None) -> dict[str, Any]:
    """Run the registered sweeps (``yishi.core.sweeps``): expiries, reminders, recovery."""
    from datetime import date

    from . import sweeps

    return sweeps.run(names=names, today=date.fromisoformat(today) if today else None)


class WorkerLost(Exception):
    """Recorded on a task whose worker died mid-run too often to run it again."""


def stale_after_seconds() -> int:
    return int(getattr(settings, "YISHI_TASK_STALE_AFTER", 300))


def silent_after_seconds() -> int:
    return int(getattr(settings, "YISHI_WORKER_SILENT_AFTER", 120))


def requeue_stale_tasks(*, now: datetime | None = None, stale_after: int | None = None,
                        silent_after: int | None = None) -> int:
    """Put retryable tasks left RUNNING by a dead worker back in the queue.

    A worker started with ``manage.py worker`` beats every ``YISHI_WORKER_BEAT`` seconds
    (``WorkerBeat``): its task is stale once the beats stop for ``silent_after`` seconds
    (``YISHI_WORKER_SILENT_AFTER``, 2 minutes), however long the task itself runs. A task
    of a worker that never beat (a plain ``db_worker``) is stale ``stale_after`` seconds
    after it started (``YISHI_TASK_STALE_AFTER``, 5 minutes).
    """
    from django_tasks_db.models import DBTaskResult

    from .models import WorkerBeat

    now = now or clock.now()
    stale_after = stale_after_seconds() if stale_after is None else stale_after
    silent_after = silent_after_seconds() if silent_after is None else silent_after
    requeued = 0
    with transaction.atomic():
        running = (
            DBTaskResult.objects.running()
            .filter(task_path__in=sorted(RETRYABLE_TASKS))
            .select_for_update(skip_locked=True)
        )
        rows = list(running)
        beats = dict(WorkerBeat.objects.filter(
            worker_id__in={r.worker_ids[-1] for r in rows if r.worker_ids})
            .values_list("worker_id", "beat_at"))
        for row in rows:
            beat = beats.get(row.worker_ids[-1]) if row.worker_ids else None
            if beat is not None:
                if beat >= now - timedelta(seconds=silent_after):
                    continue  # its worker is alive: a long task, not a lost one
            elif row.started_at is None or row.started_at >= now - timedelta(
                    seconds=stale_after):
                continue
            if len(row.worker_ids) >= MAX_TASK_RUNS:
                row.set_failed(WorkerLost(
                    f"the worker died during each of {len(row.worker_ids)} runs; not retried"
                ))
                continue
            row.status = TaskResultStatus.READY
            row.save(update_fields=["status"])
            requeued += 1
        # Workers gone for a day keep no heartbeat row.
        WorkerBeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    if requeued:
        log.warning("re-queued %s task(s) left running by a dead worker", requeued)
    return requeued


def beat(worker_id: str) -> None:
    """Record that ``worker_id`` is alive (``manage.py worker`` calls it every half minute)."""
    from .models import WorkerBeat

    WorkerBeat.objects.update_or_create(worker_id=worker_id,
                                        defaults={"beat_at": clock.now()})


def prune_task_results(*, now: datetime | None = None) -> int:
    """Delete finished task results: successful after 14 days, failed after 90.

    The scheduler adds a sweep every few minutes, so the table would otherwise grow by
    hundreds of rows a day; deliveries and reminders keep their own records.
    """
    from django_tasks_db.models import DBTaskResult

    now = now or clock.now()
    keep = int(getattr(settings, "YISHI_TASK_RESULTS_KEEP_DAYS", 14))
    keep_failed = int(getattr(settings, "YISHI_TASK_FAILURES_KEEP_DAYS", 90))
    ok, _ = DBTaskResult.objects.successful().filter(
        finished_at__lt=now - timedelta(days=keep)).delete()
    failed, _ = DBTaskResult.objects.failed().filter(
        finished_at__lt=now - timedelta(days=keep_failed)).delete()
    return ok + failed
