"""A dead worker's task is back in the queue within minutes; a live worker's long task is not
(issue 11, item 9)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from yishi.core.models import WorkerBeat
from yishi.core.tasks import requeue_stale_tasks

from .test_tasks_delivery import notify_one
from .test_tasks_worker import outbox  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def _running(worker: str, *, started_ago: timedelta) -> DBTaskResult:
    task = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING, worker_ids=[worker],
        started_at=timezone.now() - started_ago)
    return task


def _beat(worker: str, ago: timedelta) -> None:
    WorkerBeat.objects.update_or_create(worker_id=worker,
                                        defaults={"beat_at": timezone.now() - ago})


def _status(task: DBTaskResult) -> str:
    task.refresh_from_db()
    return str(task.status)


def test_a_task_of_a_worker_that_stopped_beating_is_requeued_within_three_minutes(
        outbox: Any) -> None:  # noqa: F811
    notify_one()
    task = _running("w-dead", started_ago=timedelta(seconds=150))
    _beat("w-dead", timedelta(seconds=90))
    assert requeue_stale_tasks() == 0  # silent for 90 s: it may only be busy
    _beat("w-dead", timedelta(seconds=121))
    assert requeue_stale_tasks() == 1  # silent for over 2 minutes: dead
    assert _status(task) == TaskResultStatus.READY


def test_a_long_task_of_a_live_worker_is_left_to_finish(outbox: Any) -> None:  # noqa: F811
    notify_one()
    task = _running("w-busy", started_ago=timedelta(hours=2))
    _beat("w-busy", timedelta(seconds=20))
    assert requeue_stale_tasks() == 0
    assert _status(task) == TaskResultStatus.RUNNING


def test_without_heartbeats_a_task_is_requeued_five_minutes_after_it_started(
        outbox: Any) -> None:  # noqa: F811
    notify_one()
    task = _running("w-plain", started_ago=timedelta(minutes=4))
    assert requeue_stale_tasks() == 0
    DBTaskResult.objects.filter(pk=task.pk).update(
        started_at=timezone.now() - timedelta(minutes=5, seconds=1))
    assert requeue_stale_tasks() == 1


def test_the_scheduler_recovers_by_itself_and_old_heartbeats_are_dropped(
        outbox: Any) -> None:  # noqa: F811
    notify_one()
    task = _running("w-gone", started_ago=timedelta(minutes=10))
    _beat("w-gone", timedelta(minutes=3))
    _beat("w-last-week", timedelta(days=7))
    out = StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert "re-queued 1 task" in out.getvalue()
    assert _status(task) == TaskResultStatus.READY
    assert not WorkerBeat.objects.filter(worker_id="w-last-week").exists()


def test_the_worker_command_beats_and_runs_tasks(outbox: Any) -> None:  # noqa: F811
    delivery = notify_one()
    call_command("worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0",
                 "--worker-id", "beating-worker", "--verbosity", "0")
    beat = WorkerBeat.objects.get(worker_id="beating-worker")
    assert timezone.now() - beat.beat_at < timedelta(minutes=1)
    delivery.refresh_from_db()
    assert delivery.status == "sent"
