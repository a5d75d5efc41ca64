"""Notifications and sweeps go through the real database task backend and its worker.

These tests use the settings' ``django_tasks_db`` backend (no immediate backend) and run
the worker through its management command, ``db_worker --batch``.
"""

from __future__ import annotations

import signal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from yishi.core.channels import read_outbox
from yishi.core.models import Delivery, DeliveryStatus, Notification
from yishi.core.notify import notify
from yishi.core.tasks import deliver_notifications, sweep_deadlines
from yishi.places.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    """Run ``db_worker`` until the queue is empty, as an operator would, then restore signals."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay",
                     "--interval", "0", verbosity=0)
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)


@pytest.fixture
def outbox(settings: Any, tmp_path: Any) -> Any:
    """The development outbox in a temporary directory, as the only channel."""
    settings.YISHI_OUTBOX_DIR = tmp_path / "outbox"
    settings.YISHI_NOTIFICATION_BACKENDS = ["yishi.core.channels.FileBackend"]
    settings.YISHI_DELIVERY_RETRY_DELAYS = [3600, 3600]
    return tmp_path / "outbox"


def test_settings_use_the_database_backend_in_tests_too() -> None:
    assert isinstance(task_backends["default"], DatabaseBackend)
    assert isinstance(deliver_notifications.get_backend(), DatabaseBackend)


def test_a_notification_is_queued_after_commit_and_the_worker_sends_it(outbox: Any) -> None:
    user = UserFactory(username="resident")
    with transaction.atomic():
        notify([user], "您的意见已受理", "正文", "/intake/opinions/1/")
        # Inside the action's transaction: the in-app row and the outbox row, no task yet.
        assert Notification.objects.count() == 1
        assert Delivery.objects.get().status == DeliveryStatus.PENDING
        assert not DBTaskResult.objects.exists()

    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.READY
    assert task.task_path == deliver_notifications.module_path
    assert read_outbox() == []

    run_worker()

    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.return_value == {"sent": 1}
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 1
    assert delivery.sent_at is not None
    [line] = read_outbox()
    assert line["subject"] == "您的意见已受理"
    assert line["address"] == "resident"
    assert line["key"] == delivery.key


def test_a_rolled_back_action_queues_and_sends_nothing(outbox: Any) -> None:
    user = UserFactory(username="resident")
    with pytest.raises(RuntimeError), transaction.atomic():
        notify([user], "不会发出")
        raise RuntimeError("the action failed after notifying")
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    assert not DBTaskResult.objects.exists()
    run_worker()
    assert read_outbox() == []


def test_each_configured_channel_gets_one_delivery(outbox: Any, settings: Any) -> None:
    settings.YISHI_NOTIFICATION_BACKENDS = [
        "yishi.core.channels.FileBackend", "yishi.core.channels.EmailBackend",
    ]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    with_mail = UserFactory(username="with_mail", email="a@example.org")
    without_mail = UserFactory(username="without_mail", email="")
    with transaction.atomic():
        notify([with_mail, without_mail], "会议通知")
    run_worker()

    statuses = sorted(Delivery.objects.values_list("notification__recipient__username", "channel",
                                                   "status"))
    assert statuses == [
        ("with_mail", "email", "sent"), ("with_mail", "file", "sent"),
        ("without_mail", "email", "skipped"), ("without_mail", "file", "sent"),
    ]
    assert len(read_outbox()) == 2
    [email] = mail.outbox
    assert email.to == ["a@example.org"]
    assert email.extra_headers["Message-ID"].startswith("<yishi-n")


def test_run_sweeps_enqueues_and_the_worker_runs_them() -> None:
    call_command("run_sweeps", verbosity=0)
    task = DBTaskResult.objects.get()
    assert task.task_path == sweep_deadlines.module_path
    run_worker()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert set(task.return_value) >= {
        "intake.close_expired_proposals", "intake.opinion_due_soon", "intake.opinion_overdue",
        "core.requeue_stale_tasks", "core.redeliver_notifications",
    }


def test_the_scheduler_adds_no_second_sweep_while_one_waits() -> None:
    call_command("scheduler", "--once", verbosity=0)
    call_command("scheduler", "--once", verbosity=0)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
    run_worker()
    call_command("scheduler", "--once", verbosity=0)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1


def test_old_task_results_are_pruned_by_a_sweep() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from yishi.core import sweeps

    for _ in range(3):
        sweep_deadlines.enqueue(["core.requeue_stale_tasks"])
    run_worker()
    old, recent, failed = DBTaskResult.objects.all()
    DBTaskResult.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=15))
    DBTaskResult.objects.filter(pk=failed.pk).update(
        status=TaskResultStatus.FAILED, finished_at=timezone.now() - timedelta(days=30))
    assert sweeps.run(names=["core.prune_task_results"]) == {"core.prune_task_results": 1}
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent.pk, failed.pk}
