"""Several workers at once on PostgreSQL: each message leaves once, each reminder is sent once.

Workers run as threads with their own connections, through the worker loop ``db_worker``
runs (its command installs signal handlers, which only the main thread may do).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from yishi.core import sweeps
from yishi.core.channels import FileBackend, Message, read_outbox
from yishi.core.models import Delivery, DeliveryStatus, Notification, Reminder
from yishi.core.notify import notify
from yishi.core.tasks import deliver, deliver_notifications
from yishi.intake.models import Opinion
from yishi.places.tests.factories import UserFactory

from . import test_tasks_worker

outbox = test_tasks_worker.outbox  # the fixture, shared

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


class SlowBackend(FileBackend):
    """A gateway that takes its time, so that workers overlap."""

    def send(self, message: Message) -> str:
        time.sleep(0.2)
        return super().send(message)


def _all_at_once(jobs: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            value = job()
            with lock:
                results.append(value)
        except BaseException as e:  # collected and re-raised below
            with lock:
                errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a worker is stuck"
    if errors:
        raise errors[0]
    return results


def _worker(n: int) -> Callable[[], None]:
    return Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id=f"test-worker-{n}",
        excluded_queue_names=[],
    ).run


def test_the_same_delivery_handled_by_many_tasks_at_once_is_sent_once(
    outbox: Any, settings: Any
) -> None:
    settings.YISHI_NOTIFICATION_BACKENDS = ["yishi.core.tests.test_tasks_concurrency.SlowBackend"]
    user = UserFactory(username="resident")
    with transaction.atomic():
        notify([user], "协商结果")
    delivery = Delivery.objects.get()

    results = _all_at_once([lambda: deliver(delivery.pk) for _ in range(6)])

    assert results.count("sent") == 1
    assert set(results) <= {"sent", "busy"}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(read_outbox()) == 1


def test_four_workers_share_the_queue_and_duplicated_tasks_send_nothing_twice(
    outbox: Any, settings: Any
) -> None:
    settings.YISHI_NOTIFICATION_BACKENDS = ["yishi.core.tests.test_tasks_concurrency.SlowBackend"]
    users = [UserFactory(username=f"resident{i}") for i in range(12)]
    for user in users:
        with transaction.atomic():
            notify([user], f"通知 {user.username}")
    ids = list(Delivery.objects.values_list("pk", flat=True))
    deliver_notifications.enqueue(ids)  # every delivery queued a second time

    _all_at_once([_worker(n) for n in range(4)])

    tasks = DBTaskResult.objects.all()
    assert {t.status for t in tasks} == {TaskResultStatus.SUCCESSFUL}
    assert len({w for t in tasks for w in t.worker_ids}) > 1  # the work was shared
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    keys = [m["key"] for m in read_outbox()]
    assert len(keys) == len(set(keys)) == 12


def test_sweeps_running_side_by_side_send_each_reminder_once(
    people: dict[str, Any], tree: dict[str, Any]
) -> None:
    monday = date(2025, 9, 29)
    for seq in range(1, 6):
        Opinion.objects.create(
            community=tree["a"], place=tree["a"], year=2025, seq=seq, number=f"MQ-2025-{seq:05d}",
            title="路灯", text="路灯不亮", category="traffic", raised_by=people["resident_a"],
            submitted_at=timezone.now(), due_date=monday,
        )
    names = ["intake.opinion_due_soon"]
    results = _all_at_once([lambda: sweeps.run(names=names, today=monday) for _ in range(4)])

    assert sum(r["intake.opinion_due_soon"] for r in results) == 5
    assert Reminder.objects.count() == 5
    assert Notification.objects.filter(recipient__username="staff_a").count() == 5
