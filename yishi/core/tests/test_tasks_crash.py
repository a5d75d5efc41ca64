"""A real worker process is killed (SIGKILL) mid-delivery; the retry sends the message once.

Everything runs in subprocesses through ``manage.py``, as in production: on PostgreSQL
against the test database, on SQLite against a migrated database file of its own (the
in-memory test database cannot be shared with another process).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from yishi.core.channels import FileBackend, Message, outbox_path

pytestmark = pytest.mark.django_db(transaction=True)

MANAGE = str(Path(settings.BASE_DIR).parent / "manage.py")


class KillsWorkerAfterSending(FileBackend):
    """Writes the message to the outbox, then kills its own process, the first time only."""

    def send(self, message: Message) -> str:
        ref = super().send(message)
        marker = outbox_path() / "killed-once"
        if not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return ref


SETUP = """
from django.contrib.auth import get_user_model
from django.db import transaction
from yishi.core.notify import notify
user = get_user_model().objects.create(username="crash-resident")
with transaction.atomic():
    notify([user], "协商结果公示", "", "/consult/topics/1/")
"""

STATE = """
import json
from django_tasks_db.models import DBTaskResult
from yishi.core.channels import read_outbox
from yishi.core.models import Delivery
d = Delivery.objects.get(notification__recipient__username="crash-resident")
print(json.dumps({
    "delivery": d.status, "attempts": d.attempts, "key": d.key,
    "tasks": sorted(DBTaskResult.objects.values_list("status", flat=True)),
    "outbox": [m["key"] for m in read_outbox()],
}))
"""

# The recovery runs as if the worker had been silent for the two minutes it takes (its
# first beat is there), and with them the attempt's shorter lease on the delivery.
RECOVER = """
from datetime import timedelta
from yishi.core import clock
from yishi.core.models import Delivery, WorkerBeat
from yishi.core.tasks import LEASE, requeue_stale_tasks, silent_after_seconds
assert WorkerBeat.objects.count() == 1
assert LEASE <= timedelta(seconds=silent_after_seconds())
Delivery.objects.update(next_attempt_at=clock.now() - timedelta(seconds=1))
print(requeue_stale_tasks(now=clock.now() + timedelta(seconds=silent_after_seconds() + 1)))
"""


def _database_url(tmp: Path) -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(db["USER"] or "")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"])
        host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
        return f"postgres://{auth}@{host}/{db['NAME']}"
    return f"sqlite:///{tmp / 'crash.sqlite3'}"


def _manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, MANAGE, *args], env=env, capture_output=True,
                          text=True, timeout=120)
    if check and proc.returncode != 0:
        raise AssertionError(f"manage.py {args[0]} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


def _state(env: dict[str, str]) -> dict[str, Any]:
    out = _manage(env, "shell", "--no-imports", "-c", STATE).stdout.strip().splitlines()[-1]
    result: dict[str, Any] = json.loads(out)
    return result


def test_a_killed_worker_is_recovered_and_the_message_is_sent_once(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "yishi.settings",
        "DATABASE_URL": _database_url(tmp_path),
        "YISHI_VAR_DIR": str(tmp_path / "var"),
        "YISHI_OUTBOX_DIR": str(tmp_path / "outbox"),
        "YISHI_NOTIFICATION_BACKENDS": f"{__name__}.KillsWorkerAfterSending",
        "YISHI_LOG_LEVEL": "ERROR",
        # Development mode: the subprocesses share the suite's development keys.
        "YISHI_DEBUG": "1",
    }
    if connection.vendor != "postgresql":
        _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "shell", "--no-imports", "-c", SETUP)
    worker = ["worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0"]

    killed = _manage(env, *worker, check=False)
    assert killed.returncode == -signal.SIGKILL
    state = _state(env)
    # The message left, the commit did not: still pending, and the task still RUNNING.
    assert state["delivery"] == "pending"
    assert state["attempts"] == 1
    assert state["tasks"] == ["RUNNING"]
    assert state["outbox"] == [state["key"]]

    recovered = _manage(env, "shell", "--no-imports", "-c", RECOVER).stdout.strip()
    assert recovered.splitlines()[-1] == "1"
    _manage(env, *worker)

    state = _state(env)
    assert state["delivery"] == "sent"
    assert state["attempts"] == 2
    assert state["tasks"] == ["SUCCESSFUL"]
    assert state["outbox"] == [state["key"]]  # exactly one message

