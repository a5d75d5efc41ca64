"""What a database writer without the audit key tries, and how ``audit_verify`` finds it
(issue 11, item 5): a cut-off tail with a rewritten head, re-chaining, deleting everything,
a removed checkpoint; and on PostgreSQL, the trigger that refuses UPDATE and DELETE."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from yishi.core import audit, clock
from yishi.core.models import AuditEvent, AuditHead
from yishi.core.sweeps import run as run_sweeps

from .tamper import past_the_trigger

pytestmark = pytest.mark.django_db


def _record(n: int) -> list[AuditEvent]:
    with transaction.atomic():
        return [audit.record(actor=audit.SystemActor("system:test"), action="thing.change",
                             object_type="test.thing", object_id=i, after={"n": i})
                for i in range(n)]


def _broken(reason_part: str) -> str:
    result = audit.verify()
    assert not result.ok, result
    assert reason_part in result.reason, result.reason
    with pytest.raises(CommandError):
        call_command("audit_verify")
    return result.reason


def test_cutting_off_the_newest_events_and_rewriting_the_head_is_found() -> None:
    events = _record(6)
    with past_the_trigger():
        AuditEvent.objects.filter(pk__in=[e.pk for e in events[-2:]]).delete()
    # the head is made to agree with what is left: count and last hash
    AuditHead.objects.filter(chain="").update(last_hash=events[-3].hash, count=4)
    _broken("head was rewritten")


def test_putting_back_an_old_head_after_cutting_the_tail_is_found_by_the_checkpoint() -> None:
    _record(3)
    old_head = AuditHead.objects.values("last_hash", "count", "mac").get(chain="")
    later = _record(3)
    audit.write_checkpoint()  # the hourly checkpoint, outside the database
    with past_the_trigger():
        AuditEvent.objects.filter(pk__gte=later[0].pk).delete()
    AuditHead.objects.filter(chain="").update(**old_head)  # a head that once was true
    _broken("newest events were deleted")


def test_re_chaining_after_an_edit_without_the_key_is_found() -> None:
    events = _record(4)
    prev = events[0].prev_hash
    with past_the_trigger():
        for event in AuditEvent.objects.order_by("id"):
            if event.pk == events[1].pk:
                event.after = {"n": "forged"}
            event.prev_hash = prev
            # the forger's best guess: the plain SM3 the chain once used
            event.hash = hashlib.new("sm3", audit._canonical(event)).hexdigest()
            event.save()
            prev = event.hash
    AuditHead.objects.filter(chain="").update(last_hash=prev)
    result = audit.verify()
    assert not result.ok and result.bad_event_id == events[0].pk
    assert "without the key" in result.reason


def test_another_key_does_not_verify(settings: Any) -> None:
    _record(2)
    settings.YISHI_AUDIT_KEY = "a key the forger made up"
    assert not audit.verify().ok


def test_deleting_everything_is_found_once_a_checkpoint_exists() -> None:
    _record(3)
    audit.write_checkpoint()
    with past_the_trigger():
        AuditEvent.objects.all().delete()
    AuditHead.objects.all().delete()
    _broken("newest events were deleted")


def test_a_removed_checkpoint_file_is_found() -> None:
    _record(2)
    checkpoint = audit.write_checkpoint()
    assert checkpoint is not None and checkpoint.path is not None
    _record(1)
    assert audit.verify().ok
    checkpoint.path.unlink()
    _broken(f"{checkpoint.path.name} is missing")


def test_an_edited_checkpoint_file_is_found() -> None:
    _record(2)
    checkpoint = audit.write_checkpoint()
    assert checkpoint is not None and checkpoint.path is not None
    data = json.loads(checkpoint.path.read_text())
    data["count"] = 2
    checkpoint.path.write_text(json.dumps(data))
    _broken("damaged or forged")


def test_the_checkpoint_names_its_event_and_the_command_reports_it() -> None:
    _record(2)
    checkpoint = audit.write_checkpoint()
    assert checkpoint is not None
    event = AuditEvent.objects.get(action=audit.CHECKPOINT_ACTION)
    assert (checkpoint.count, checkpoint.last_id, checkpoint.last_hash) == (
        3, event.pk, event.hash)
    assert checkpoint.signed()
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "3 events" in out.getvalue() and "1 checkpoint" in out.getvalue()
    assert audit.latest_checkpoint() == checkpoint


def test_the_sweep_writes_a_checkpoint_at_most_hourly_and_only_after_new_events(
        settings: Any) -> None:
    settings.YISHI_AUDIT_CHECKPOINT_EVERY = 3600
    assert run_sweeps(names=["core.audit_checkpoint"])["core.audit_checkpoint"] == 0  # empty
    _record(1)
    assert run_sweeps(names=["core.audit_checkpoint"])["core.audit_checkpoint"] == 1
    _record(1)
    assert run_sweeps(names=["core.audit_checkpoint"])["core.audit_checkpoint"] == 0  # too soon
    with clock.at(clock.now() + timedelta(hours=1, minutes=1)):
        assert run_sweeps(names=["core.audit_checkpoint"])["core.audit_checkpoint"] == 1
        # nothing new since: none more, however late
        with clock.at(clock.now() + timedelta(hours=5)):
            assert run_sweeps(names=["core.audit_checkpoint"])["core.audit_checkpoint"] == 0
    assert len(audit.read_checkpoints()) == 2
    assert audit.verify().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize("statement", [
    "UPDATE core_auditevent SET after = '{}'",
    "DELETE FROM core_auditevent",
])
def test_postgresql_refuses_to_change_or_delete_an_event(statement: str) -> None:
    _record(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 2
    assert audit.verify().ok
