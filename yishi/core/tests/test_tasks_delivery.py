"""A notification is sent once per channel, whatever crashes between enqueue and success.

The worker is the real ``db_worker``; crashes are staged inside a channel backend.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from yishi.core.channels import FileBackend, Message, OutboxSmsBackend, SmsBackend, read_outbox
from yishi.core.models import Delivery, DeliveryStatus
from yishi.core.notify import notify
from yishi.core.tasks import (
    MAX_TASK_RUNS,
    deliver,
    deliver_notifications,
    redeliver_pending,
    requeue_stale_tasks,
)
from yishi.places.tests.factories import UserFactory, place_tree, resident

from . import test_tasks_worker
from .test_tasks_worker import run_worker

outbox = test_tasks_worker.outbox  # the fixture, shared

pytestmark = pytest.mark.django_db(transaction=True)


class FailsFirstBackend(FileBackend):
    """The gateway refuses the first message (a timeout), then works."""

    calls: ClassVar[int] = 0

    def send(self, message: Message) -> str:
        type(self).calls += 1
        if type(self).calls == 1:
            raise TimeoutError("gateway timed out")
        return super().send(message)


class SimulatedKill(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing in the task catches it."""


class DiesAfterSendingBackend(FileBackend):
    """The gateway accepts the message, then the worker dies before the commit."""

    kills: ClassVar[int] = 0

    def send(self, message: Message) -> str:
        ref = super().send(message)
        if type(self).kills == 0:
            type(self).kills += 1
            raise SimulatedKill()
        return ref


PATH = "yishi.core.tests.test_tasks_delivery."


def make_ready_now() -> None:
    """Let the clock pass the back-off: deferred tasks become due."""
    past = timezone.now() - timedelta(seconds=1)
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=past)
    Delivery.objects.filter(next_attempt_at__gt=past).update(next_attempt_at=past)


def notify_one(username: str = "resident") -> Delivery:
    user = UserFactory(username=username)
    with transaction.atomic():
        notify([user], "议题协商会议通知", "", "/consult/topics/1/")
    return Delivery.objects.get()


def test_a_send_that_fails_is_retried_and_sent_exactly_once(outbox: Any, settings: Any) -> None:
    FailsFirstBackend.calls = 0
    settings.YISHI_NOTIFICATION_BACKENDS = [PATH + "FailsFirstBackend"]
    delivery = notify_one()

    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert "gateway timed out" in delivery.last_error
    assert read_outbox() == []
    # The task finished; it queued its own retry after the back-off.
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["args"] == [[delivery.pk]]
    assert retry.run_after > timezone.now() + timedelta(minutes=50)

    run_worker()  # not due yet: nothing happens
    assert read_outbox() == []

    make_ready_now()
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 2
    assert delivery.last_error == ""
    assert len(read_outbox()) == 1

    # Any later run, duplicate task or sweep finds it sent.
    deliver_notifications.enqueue([delivery.pk])
    run_worker()
    assert redeliver_pending(now=timezone.now() + timedelta(days=1)) == 0
    assert len(read_outbox()) == 1


def test_a_worker_killed_after_sending_before_commit_leaves_one_message(
    outbox: Any, settings: Any
) -> None:
    DiesAfterSendingBackend.kills = 0
    settings.YISHI_NOTIFICATION_BACKENDS = [PATH + "DiesAfterSendingBackend"]
    delivery = notify_one()

    run_worker()
    # The line reached the outbox but "sent" was rolled back with the dying transaction.
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1  # counted in its own transaction, before the send
    assert len(read_outbox()) == 1
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED

    # The redelivery sweep finds it once the lease has passed, and the worker retries:
    # the outbox, like a deduplicating gateway, takes the same key only once.
    assert redeliver_pending(now=timezone.now() + timedelta(hours=2)) == 1
    make_ready_now()
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 2
    [line] = read_outbox()
    assert line["key"] == delivery.key


def test_a_task_left_running_by_a_dead_worker_is_requeued_and_sends_nothing_twice(
    outbox: Any,
) -> None:
    delivery = notify_one()
    run_worker()
    assert len(read_outbox()) == 1
    # The worker died after committing "sent" but before marking its task successful.
    task = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING, finished_at=None,
        started_at=timezone.now() - timedelta(hours=1),
    )

    assert requeue_stale_tasks(stale_after=1800) == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    run_worker()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.return_value == {"sent": 1}  # the status it already had
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert len(read_outbox()) == 1


def test_a_fresh_running_task_is_left_alone_and_a_task_that_keeps_dying_is_given_up(
    outbox: Any,
) -> None:
    notify_one()
    task = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(minutes=5),
    )
    assert requeue_stale_tasks(stale_after=1800) == 0

    DBTaskResult.objects.filter(pk=task.pk).update(
        started_at=timezone.now() - timedelta(hours=1),
        worker_ids=[f"w{i}" for i in range(MAX_TASK_RUNS)],
    )
    assert requeue_stale_tasks(stale_after=1800) == 0
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "yishi.core.tasks.WorkerLost"
    # The delivery itself is not lost: the redelivery sweep gives it a new task.
    assert redeliver_pending(now=timezone.now() + timedelta(hours=1)) == 1
    make_ready_now()
    run_worker()
    assert len(read_outbox()) == 1


def test_a_lost_enqueue_is_recovered_by_the_redelivery_sweep(outbox: Any) -> None:
    user = UserFactory(username="resident")
    with transaction.atomic():
        notify([user], "通知")
    # The process died between the commit and the on-commit enqueue.
    DBTaskResult.objects.all().delete()
    assert redeliver_pending() == 0  # within the grace period a task may still be coming
    assert redeliver_pending(now=timezone.now() + timedelta(minutes=10)) == 1
    make_ready_now()
    run_worker()
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    assert len(read_outbox()) == 1
    # The sweep leased it: an immediate second sweep does not enqueue it again.
    assert redeliver_pending(now=timezone.now() + timedelta(minutes=10)) == 0


def test_after_the_last_attempt_the_delivery_is_marked_failed(outbox: Any, settings: Any) -> None:
    settings.YISHI_NOTIFICATION_BACKENDS = ["yishi.core.channels.SmsBackend"]  # no gateway
    settings.YISHI_DELIVERY_RETRY_DELAYS = [0]  # two attempts in all, no waiting
    tree = place_tree()
    person = resident(tree["a"], username="resident")
    with transaction.atomic():
        notify([person.user], "短信")
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 2
    assert "needs a gateway" in delivery.last_error
    assert deliver(delivery.pk) == DeliveryStatus.FAILED


def test_a_user_without_an_address_on_the_channel_is_skipped(outbox: Any, settings: Any) -> None:
    settings.YISHI_NOTIFICATION_BACKENDS = [
        "yishi.core.channels.OutboxSmsBackend", "yishi.core.channels.FileBackend",
    ]
    tree = place_tree()
    with_phone = resident(tree["a"], username="with_phone")
    no_person = UserFactory(username="no_person")
    with transaction.atomic():
        notify([with_phone.user, no_person], "停水通知")
    run_worker()
    assert sorted(Delivery.objects.values_list("notification__recipient__username", "channel",
                                               "status")) == [
        ("no_person", "file", "sent"), ("no_person", "sms", "skipped"),
        ("with_phone", "file", "sent"), ("with_phone", "sms", "sent"),
    ]
    [sms] = [m for m in read_outbox() if m["channel"] == "sms"]
    phone = with_phone.personal.phone
    assert sms["address"] == f"{phone[:3]}****{phone[-4:]}"  # masked even in the dev outbox
    assert sms["subject"].startswith("【议事】停水通知")


def test_a_removed_channel_fails_its_pending_deliveries(outbox: Any, settings: Any) -> None:
    delivery = notify_one()
    settings.YISHI_NOTIFICATION_BACKENDS = []
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "no longer configured" in delivery.last_error


def test_sms_compose_puts_signature_subject_and_link_within_the_limit(settings: Any) -> None:
    settings.YISHI_SMS_SIGNATURE = "【幸福社区】"
    text = SmsBackend().compose(Message(key="k", channel="sms", address="13900000000",
                                        subject="议" * 200, link="https://x.example/1/"))
    assert text.startswith("【幸福社区】议")
    assert len(text) == SmsBackend.max_chars
    assert OutboxSmsBackend.channel == "sms"


def test_a_backend_that_cannot_be_imported_does_not_break_the_action(
    outbox: Any, settings: Any
) -> None:
    from yishi.core.channels import check_notification_backends

    settings.YISHI_NOTIFICATION_BACKENDS = [
        "yishi.core.channels.NoSuchBackend", "yishi.core.channels.FileBackend",
    ]
    [error] = check_notification_backends()
    assert error.id == "yishi.E101"
    user = UserFactory(username="resident")
    with transaction.atomic():
        notify([user], "照常通知")
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["file"]
    settings.YISHI_NOTIFICATION_BACKENDS = ["yishi.core.channels.FileBackend"]
    assert check_notification_backends() == []


def test_a_duplicate_task_while_another_holds_the_lease_counts_no_attempt(
    outbox: Any, settings: Any
) -> None:
    # Another task counted its attempt and is between its two transactions (or backing
    # off): a duplicate must not spend the message's attempts, or enough duplicates at
    # once would give a message up that was never tried.
    settings.YISHI_NOTIFICATION_BACKENDS = [PATH + "FailsFirstBackend"]
    delivery = notify_one()
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=1, next_attempt_at=timezone.now() + timedelta(minutes=1)
    )
    backends = {delivery.channel: FileBackend()}
    for _ in range(10):
        assert deliver(delivery.pk, backends=backends) == "busy"
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.status) == (1, DeliveryStatus.PENDING)
    assert read_outbox() == []
