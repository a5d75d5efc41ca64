"""A hundred writers of mixed kinds at once, in one community and across two, on PostgreSQL
(issue 12, item 1): no deadlock, no error, every count exact, the audit chains intact.

PostgreSQL here allows 100 connections in all, so the hundred writers run on twenty
connections, five each, all released by one barrier; each writer's transaction still
overlaps the others' (docs/architecture.md, "Locks")."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from yishi.consult import services as consult
from yishi.consult.models import BallotBox, VoterMark
from yishi.core import audit
from yishi.intake import services as intake
from yishi.intake.models import JointProposal, Opinion, Signature
from yishi.intake.rules import OpinionState
from yishi.places.models import Person
from yishi.places.tests.factories import resident

from .helpers import held_to_vote

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

CONNECTIONS = 20


def _run(jobs: list[Callable[[], Any]]) -> list[BaseException]:
    """Deal the jobs out to the connections, release them together, collect every error."""
    lanes = [jobs[i::CONNECTIONS] for i in range(CONNECTIONS)]
    barrier = threading.Barrier(CONNECTIONS)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def lane(mine: list[Callable[[], Any]]) -> None:
        try:
            barrier.wait(timeout=30)
            for job in mine:
                try:
                    job()
                except BaseException as error:  # collected: the test wants none
                    with lock:
                        errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=lane, args=(m,)) for m in lanes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert not any(t.is_alive() for t in threads), "a writer is stuck"
    return errors


def _user(person: Person) -> Any:
    return get_user_model().objects.select_related("person").get(pk=person.user_id)


def _proposal(community: Any, proposer: Person) -> JointProposal:
    draft = intake.draft_proposal(actor=proposer.user, title="加装电梯", text="方案",
                                  category="construction")
    return intake.open_proposal(actor=proposer.user, proposal=draft)


def test_a_hundred_writers_of_every_kind_leave_exact_counts_and_no_error(tree, cast) -> None:
    a, b = tree["a"], tree["b"]
    _topic, meeting = held_to_vote(cast, tree, method="ballot")
    voters = [*cast["committee"][:4], cast["stakeholder"], cast["neighbour"]]
    # Enough adults that fifteen signatures stay below the threshold in both places.
    for place in (a, b):
        Person.objects.bulk_create(
            Person(name=f"居民{i}", community=place, birth_date=cast["neighbour"].birth_date,
                   registered_on=cast["neighbour"].registered_on) for i in range(300))
    raisers = {p: [resident(p, username=f"raise-{p.pk}-{i}") for i in range(12)] for p in (a, b)}
    signers = {p: [resident(p, username=f"sign-{p.pk}-{i}") for i in range(15)] for p in (a, b)}
    proposals = {a: _proposal(a, cast["resident_a"]), b: _proposal(b, cast["resident_b"])}
    staff = {a: cast["staff_a"], b: cast["staff_b"]}
    waiting = {p: [intake.raise_opinion(actor=raisers[p][0].user, community=p, place=p,
                                        title=f"待受理{i}", text="路灯不亮。", category="utilities")
                   for i in range(20)] for p in (a, b)}
    before = {p: Opinion.objects.filter(community=p).count() for p in (a, b)}

    people = [*voters, *staff.values(), *(x for p in (a, b) for x in raisers[p] + signers[p])]
    users = {person.pk: _user(person) for person in people}  # one fresh row per writer
    jobs: list[Callable[[], Any]] = []
    for p in (a, b):
        for person in raisers[p]:  # 24 opinions raised
            jobs.append(lambda p=p, u=users[person.pk]: intake.raise_opinion(
                actor=u, community=p, place=p, title="垃圾桶满了", text="北门垃圾桶满了。",
                category="sanitation"))
        for person in signers[p]:  # 30 signatures
            jobs.append(lambda p=p, u=users[person.pk]: intake.sign_proposal(
                actor=u, proposal=JointProposal(pk=proposals[p].pk)))
        for opinion in waiting[p]:  # 40 opinions acknowledged
            jobs.append(lambda o=opinion, u=users[staff[p].pk]: intake.acknowledge_opinion(
                actor=u, opinion=Opinion(pk=o.pk)))
    for person, choice in zip(voters, ["yes", "no", "yes", "abstain", "yes", "no"],
                              strict=True):  # 6 secret ballots
        jobs.append(lambda u=users[person.pk], c=choice: consult.cast_ballot(
            actor=u, meeting=meeting, choice=c))
    assert len(jobs) == 100

    errors = _run(jobs)

    assert errors == []
    for p in (a, b):
        opinions = Opinion.objects.filter(community=p)
        assert opinions.count() == before[p] + 12
        seqs = sorted(opinions.values_list("seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1))  # numbers never repeat nor skip
        assert Opinion.objects.filter(pk__in=[o.pk for o in waiting[p]],
                                      state=OpinionState.ACKNOWLEDGED).count() == 20
        proposal = JointProposal.objects.get(pk=proposals[p].pk)
        assert proposal.resident_signatures == 16
        assert Signature.objects.filter(proposal=proposal, withdrawn_at__isnull=True).count() == 16
    box = BallotBox.objects.get(vote__meeting=meeting)
    assert (box.yes, box.no, box.abstain) == (3, 2, 1)
    assert VoterMark.objects.filter(vote__meeting=meeting).count() == 6
    result = audit.verify()
    assert result.ok and result.chains == 2, result  # community A's and village B's
