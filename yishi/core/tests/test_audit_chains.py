"""One audit chain per community (issue 12, item 2): a community's events chain apart, so
writers in two communities never wait for each other; ``verify`` checks every chain and the
checkpoints cover every head."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction

from yishi.core import audit
from yishi.core.models import AuditEvent, AuditHead, community_chain
from yishi.core.tests.threads import run_together
from yishi.places.models import Place

from .tamper import past_the_trigger

pytestmark = pytest.mark.django_db

SYSTEM = audit.SystemActor("system:test")


def _record(chain: str, n: int) -> list[AuditEvent]:
    with transaction.atomic():
        return [audit.record(actor=SYSTEM, action="thing.change", object_type="test.thing",
                             object_id=i, after={"n": i}, chain=chain) for i in range(n)]


def test_a_community_s_records_chain_apart_and_the_city_s_in_one(tree: dict,
                                                                 people: dict) -> None:
    from yishi.intake import services as intake
    from yishi.places.tests.factories import UserFactory

    opinion = intake.raise_opinion(actor=people["resident_a"].user, community=tree["a"],
                                   place=tree["a"], title="楼道灯坏了", text="三楼楼道灯不亮。",
                                   category="property")
    event = AuditEvent.objects.get(action="opinion.register")
    assert event.chain == community_chain(tree["a"].pk) == f"community:{tree['a'].pk}"
    assert opinion.audit_chain == event.chain
    assert tree["street"].audit_chain == "" and tree["a"].audit_chain == event.chain
    with transaction.atomic():
        other = audit.record(actor=UserFactory(username="x"), action="account.password_changed",
                             object_type="auth.user", object_id=1)
    assert other.chain == ""
    assert set(AuditHead.objects.values_list("chain", flat=True)) >= {"", event.chain}
    result = audit.verify()
    assert result.ok and result.chains >= 2, result


def test_each_chain_links_to_its_own_previous_event() -> None:
    a1, a2 = _record("community:1", 2)
    b1 = _record("community:2", 1)[0]
    a3 = _record("community:1", 1)[0]
    assert a1.prev_hash == audit.GENESIS and b1.prev_hash == audit.GENESIS
    assert a2.prev_hash == a1.hash and a3.prev_hash == a2.hash
    assert AuditHead.objects.get(chain="community:1").count == 3
    assert audit.verify().ok


def test_moving_an_event_to_another_community_s_chain_is_found() -> None:
    _record("community:1", 3)
    moved = _record("community:2", 2)[-1]
    with past_the_trigger():
        AuditEvent.objects.filter(pk=moved.pk).update(chain="community:1")
    result = audit.verify()
    assert not result.ok and result.bad_event_id == moved.pk, result


def test_cutting_a_community_s_tail_with_its_head_rewritten_is_found() -> None:
    _record("community:1", 2)
    events = _record("community:7", 5)
    with past_the_trigger():
        AuditEvent.objects.filter(pk=events[-1].pk).delete()
    AuditHead.objects.filter(chain="community:7").update(last_hash=events[-2].hash, count=4)
    result = audit.verify()
    assert not result.ok and "community:7" in result.reason and "head" in result.reason


def test_the_checkpoint_covers_every_head_and_finds_a_true_old_head_put_back() -> None:
    _record("", 1)
    _record("community:3", 2)
    old = AuditHead.objects.values("last_hash", "count", "mac").get(chain="community:3")
    later = _record("community:3", 2)
    checkpoint = audit.write_checkpoint()
    assert checkpoint is not None
    assert ("community:3", 4, later[-1].hash) in checkpoint.chains
    assert audit.latest_checkpoint() == checkpoint and audit.verify().ok
    with past_the_trigger():
        AuditEvent.objects.filter(pk__in=[e.pk for e in later]).delete()
    AuditHead.objects.filter(chain="community:3").update(**old)  # a head that once was true
    result = audit.verify()
    assert not result.ok and "community:3" in result.reason and "deleted" in result.reason


def test_a_whole_community_chain_deleted_after_a_checkpoint_is_found() -> None:
    _record("community:5", 3)
    audit.write_checkpoint()
    with past_the_trigger():
        AuditEvent.objects.filter(chain="community:5").delete()
    AuditHead.objects.filter(chain="community:5").delete()
    result = audit.verify()
    assert not result.ok and "community:5" in result.reason


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("other", ["community:2", "community:1"])
def test_a_writer_in_another_community_does_not_wait(other: str) -> None:
    """One community's writer holds its head; another community's writer goes on at once,
    while a second writer in the same community would wait (the control)."""
    Place.objects.count()  # the connection exists before the threads start
    holding, release = threading.Event(), threading.Event()

    def hold() -> str:
        with transaction.atomic():
            audit.record(actor=SYSTEM, action="thing.a", object_type="t", object_id=1,
                         chain="community:1")
            holding.set()
            release.wait(10)
        return "held"

    def write() -> Any:
        holding.wait(10)
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '1500ms'")
                audit.record(actor=SYSTEM, action="thing.b", object_type="t", object_id=2,
                             chain=other)
            return "written"
        except OperationalError:
            return "waited"
        finally:
            release.set()

    _record("community:1", 1)
    _record("community:2", 1)
    results = run_together([hold, write])
    assert results == ["held", "written" if other == "community:2" else "waited"]
    assert audit.verify().ok
