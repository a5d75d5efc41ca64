"""Many residents at once, on PostgreSQL: each signature counts exactly once, the threshold is
reached exactly once, opinion numbers never repeat, and the audit chain stays intact."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from yishi.consult.models import Topic
from yishi.core import audit
from yishi.core.exceptions import RuleViolation
from yishi.core.models import AuditEvent
from yishi.intake import services
from yishi.intake.models import JointProposal, Opinion, Signature
from yishi.intake.rules import ProposalState
from yishi.places.models import Person
from yishi.places.tests.factories import place_tree, resident

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def _all_at_once(jobs: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    """Run the jobs in threads released together; each thread closes its own connection."""
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
        except BaseException as e:  # collected and inspected by the test
            with lock:
                errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a signer is stuck"
    return results, errors


def _users(people: list[Person]) -> list[Any]:
    """Fresh user rows, one per thread, with the person already joined."""
    return list(get_user_model().objects.select_related("person")
                .filter(pk__in=[p.user_id for p in people]).order_by("pk"))


@pytest.mark.parametrize("eligible, reached_at", [(200, 20), (110, 11)])
def test_twenty_residents_signing_at_once_are_each_counted_once_and_reach_once(eligible, reached_at):
    tree = place_tree()
    proposer = resident(tree["a"], username="proposer")
    signers = [resident(tree["a"], username=f"signer{i}") for i in range(20)]
    Person.objects.bulk_create(
        Person(name=f"居民{i}", community=tree["a"], birth_date=proposer.birth_date,
               registered_on=proposer.registered_on)
        for i in range(eligible - 21)
    )
    draft = services.draft_proposal(actor=proposer.user, title="加装电梯", text="方案",
                                    category="construction")
    proposal = services.open_proposal(actor=proposer.user, proposal=draft)
    assert Signature.objects.get().eligible_residents == eligible

    jobs = [
        (lambda user=user: services.sign_proposal(actor=user,
                                                  proposal=JointProposal(pk=proposal.pk)))
        for user in _users(signers)
    ]
    results, errors = _all_at_once(jobs)

    # Every signer either signed or was told the proposal had already reached its threshold.
    assert all(isinstance(e, RuleViolation) and e.rule == "closed" for e in errors), errors
    assert len(results) == reached_at - 1
    assert len(errors) == 20 - (reached_at - 1)
    proposal.refresh_from_db()
    active = Signature.objects.filter(proposal=proposal, withdrawn_at__isnull=True)
    assert active.count() == reached_at == proposal.resident_signatures
    assert active.values("person").distinct().count() == reached_at
    assert proposal.state == ProposalState.REACHED
    assert Topic.objects.count() == 1 and proposal.topic == Topic.objects.get()
    assert sum(1 for p in results if p.state == ProposalState.REACHED) == 1
    assert AuditEvent.objects.filter(action="proposal.sign").count() == reached_at - 1
    assert AuditEvent.objects.filter(action="topic.candidate").count() == 1
    assert audit.verify().ok


def test_twenty_residents_signing_at_once_below_the_threshold_all_count():
    tree = place_tree()
    proposer = resident(tree["a"], username="proposer")
    signers = [resident(tree["a"], username=f"signer{i}") for i in range(20)]
    Person.objects.bulk_create(
        Person(name=f"居民{i}", community=tree["a"], birth_date=proposer.birth_date,
               registered_on=proposer.registered_on)
        for i in range(300 - 21)
    )  # 300 adults: 30 signatures are needed, 21 are given
    draft = services.draft_proposal(actor=proposer.user, title="加装电梯", text="方案",
                                    category="construction")
    proposal = services.open_proposal(actor=proposer.user, proposal=draft)
    jobs = [
        (lambda user=user: services.sign_proposal(actor=user,
                                                  proposal=JointProposal(pk=proposal.pk)))
        for user in _users(signers)
    ]
    results, errors = _all_at_once(jobs)
    assert not errors, errors
    proposal.refresh_from_db()
    assert proposal.resident_signatures == 21
    assert Signature.objects.filter(proposal=proposal, withdrawn_at__isnull=True).count() == 21
    assert proposal.state == ProposalState.OPEN
    assert not Topic.objects.exists()
    # Each signature's audit event saw a different count: they were counted one after another.
    counts = sorted(e.after["signatures"] for e in AuditEvent.objects.filter(action="proposal.sign"))
    assert counts == list(range(2, 22))
    assert audit.verify().ok


def test_ten_opinions_raised_at_once_get_distinct_sequential_numbers():
    tree = place_tree()
    raisers = [resident(tree["a"], username=f"raiser{i}") for i in range(10)]
    village = resident(tree["b"], username="villager")
    jobs = [
        (lambda user=user: services.raise_opinion(
            actor=user, community=tree["a"], place=tree["a"], title="路灯坏了", text="不亮",
            category="traffic"))
        for user in _users(raisers)
    ]
    results, errors = _all_at_once(jobs)
    assert not errors, errors
    seqs = sorted(Opinion.objects.filter(community=tree["a"]).values_list("seq", flat=True))
    assert seqs == list(range(1, 11))
    numbers = set(Opinion.objects.values_list("number", flat=True))
    assert len(numbers) == 10
    # The village counts on its own.
    other = services.raise_opinion(actor=village.user, community=tree["b"], place=tree["b"],
                                   title="村道积水", text="下雨", category="traffic")
    assert other.seq == 1
    assert audit.verify().ok
