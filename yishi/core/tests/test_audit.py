"""The hash-chained audit log: every change is appended, and any edit or deletion is found."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from yishi.core import audit
from yishi.core.models import AuditEvent, AuditHead
from yishi.places.tests.factories import UserFactory

from .tamper import past_the_trigger

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _as_a_database_superuser(db):  # type: ignore[no-untyped-def]
    """These tests edit and delete events as a superuser would, past PostgreSQL's trigger."""
    with past_the_trigger():
        yield


def _record(n: int, actor=None) -> list[AuditEvent]:
    with transaction.atomic():
        return [
            audit.record(actor=actor or audit.SystemActor("system:test"),
                         action="thing.change", object_type="test.thing", object_id=i,
                         before={"state": "a"}, after={"state": "b", "n": i})
            for i in range(n)
        ]


def _verify_command_fails_naming(event: AuditEvent) -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("audit_verify")
    message = str(excinfo.value)
    assert f"#{event.pk}" in message
    return message


def test_a_recorded_chain_verifies():
    user = UserFactory()
    events = _record(3, actor=user)
    assert events[0].prev_hash == audit.GENESIS
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    result = audit.verify()
    assert result.ok and result.checked == 3
    assert AuditHead.objects.get().last_hash == events[-1].hash


def test_the_command_reports_an_intact_chain(capsys):
    _record(2)
    call_command("audit_verify")
    assert "2" in capsys.readouterr().out


def test_an_empty_log_verifies():
    assert audit.verify().ok


def test_the_event_names_the_actor_and_the_object():
    user = UserFactory()
    with transaction.atomic():
        event = audit.record(actor=user, action="user.touch", obj=user, after={"x": 1})
    assert event.actor == user
    assert event.object_type == "auth.user"
    assert event.object_id == str(user.pk)


def test_an_event_without_an_actor_or_a_label_is_refused():
    with transaction.atomic(), pytest.raises(ValueError):
        audit.record(actor=None, action="x", object_type="t", object_id=1)
    assert AuditEvent.objects.count() == 0


def test_editing_an_events_after_is_detected_and_the_command_names_it():
    events = _record(5)
    AuditEvent.objects.filter(pk=events[2].pk).update(after={"state": "forged"})
    result = audit.verify()
    assert not result.ok
    assert result.bad_event_id == events[2].pk
    assert result.checked == 2
    _verify_command_fails_naming(events[2])


@pytest.mark.parametrize(
    "field, value",
    [
        ("before", {"state": "z"}),
        ("action", "thing.delete"),
        ("object_id", "999"),
        ("actor_label", "system:someone-else"),
        ("created_at", None),
    ],
)
def test_editing_any_recorded_field_is_detected(field, value):
    events = _record(3)
    if field == "created_at":
        value = events[1].created_at - timedelta(hours=1)
    AuditEvent.objects.filter(pk=events[1].pk).update(**{field: value})
    result = audit.verify()
    assert not result.ok and result.bad_event_id == events[1].pk


def test_recomputing_the_hash_of_an_edited_event_breaks_the_next_link():
    events = _record(3)
    forged = AuditEvent.objects.get(pk=events[1].pk)
    forged.after = {"state": "forged"}
    forged.hash = audit._digest(audit._canonical(forged))
    forged.save()
    result = audit.verify()
    assert not result.ok
    assert result.bad_event_id == events[2].pk


def test_deleting_a_middle_event_is_detected():
    events = _record(5)
    AuditEvent.objects.filter(pk=events[2].pk).delete()
    result = audit.verify()
    assert not result.ok
    assert result.bad_event_id == events[3].pk
    _verify_command_fails_naming(events[3])


def test_deleting_the_first_event_is_detected():
    events = _record(3)
    AuditEvent.objects.filter(pk=events[0].pk).delete()
    result = audit.verify()
    assert not result.ok and result.bad_event_id == events[1].pk


def test_deleting_the_newest_event_is_detected():
    events = _record(5)
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    result = audit.verify()
    assert not result.ok
    assert result.bad_event_id == events[-2].pk
    _verify_command_fails_naming(events[-2])


def test_deleting_every_event_is_detected():
    _record(3)
    AuditEvent.objects.all().delete()
    assert not audit.verify().ok


def test_deleting_the_newest_event_together_with_the_head_is_detected():
    events = _record(4)
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    AuditHead.objects.all().delete()
    result = audit.verify()
    assert not result.ok
    assert result.bad_event_id == events[-2].pk


def test_many_events_keep_the_chain_intact():
    user = UserFactory()
    _record(250, actor=user)
    _record(250)
    result = audit.verify()
    assert result.ok and result.checked == 500
    assert AuditHead.objects.get().count == 500


def test_personal_data_types_are_stored_as_json_and_still_verify():
    from datetime import date
    from decimal import Decimal

    with transaction.atomic():
        audit.record(actor=audit.SystemActor("system:test"), action="x", object_type="t",
                     object_id=1, after={"on": date(2026, 1, 1), "amount": Decimal("1.50")})
    event = AuditEvent.objects.get()
    assert event.after == {"on": "2026-01-01", "amount": "1.50"}
    assert audit.verify().ok


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit.record(actor=audit.SystemActor("system:test"), action="x", object_type="t",
                     object_id=1)
    assert AuditEvent.objects.count() == 0


def test_an_event_without_an_actor_is_refused():
    with transaction.atomic(), pytest.raises(ValueError):
        audit.record(actor=None, action="x", object_type="t", object_id=1)  # type: ignore[arg-type]
    assert AuditEvent.objects.count() == 0
    with pytest.raises(ValueError):
        audit.SystemActor("sweep")  # a system actor names itself system:…


def test_the_events_of_one_user_action_share_its_id_and_still_verify():
    with audit.user_action() as outer, transaction.atomic():
        first, second = _record(2)
        with audit.user_action() as inner:  # a nested block keeps the outer action
            (third,) = _record(1)
    (alone,) = _record(1)

    assert first.action_id == second.action_id == third.action_id == outer == inner
    assert alone.action_id and alone.action_id != outer
    assert audit.verify().ok
    AuditEvent.objects.filter(pk=second.pk).update(action_id=alone.action_id)
    assert not audit.verify().ok  # the action id is covered by the hash


def test_the_middleware_gives_each_request_one_action_id():
    seen = []

    def view(request):  # type: ignore[no-untyped-def]
        seen.append([e.action_id for e in _record(2)])
        return "ok"

    middleware = audit.UserActionMiddleware(view)
    middleware(object())
    middleware(object())
    (a1, a2), (b1, b2) = seen
    assert a1 == a2 and b1 == b2 and a1 != b1
