"""A community with its 7-seat committee, a party secretary, a convener and a recorder."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from yishi.places.models import CommitteeMembership, RoleKind, Seat
from yishi.places.tests.factories import resident, staff


@pytest.fixture
def committee(tree, people):  # type: ignore[no-untyped-def]
    """Community A's seven fixed seats, each held by a resident with an account."""
    members = []
    for i, seat in enumerate(Seat.values):
        person = resident(tree["a"], username=f"seat{i}", name=f"委员{i}")
        CommitteeMembership.objects.create(community=tree["a"], person=person, seat=seat,
                                           term_start=date(2024, 1, 1),
                                           term_end=date(2026, 12, 31) + timedelta(days=400))
        members.append(person)
    return members


@pytest.fixture
def cast(tree, people, committee):  # type: ignore[no-untyped-def]
    """Everyone the procedure needs, by role."""
    return {
        **people,
        "committee": committee,
        "party_a": staff(tree["a"], username="party_a", kind=RoleKind.PARTY),
        "party_b": staff(tree["b"], username="party_b", kind=RoleKind.PARTY),
        "recorder_a": staff(tree["a"], username="recorder_a"),
        "supervisor_a": staff(tree["a"], username="supervisor_a", kind=RoleKind.SUPERVISOR),
        "stakeholder": resident(tree["a"], username="stakeholder", name="利益相关"),
        "neighbour": resident(tree["a"], username="neighbour", name="无关群众"),
    }

