"""grant_role and end_role: a role held at a place, granted and ended by staff of it (or
above it), each one audit event; a refusal writes nothing (the admin pages that call them:
test_admin_services.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent
from yishi.places import services
from yishi.places.models import Role, RoleKind

START = date(2025, 1, 1)


def counts() -> tuple[int, int]:
    return Role.objects.count(), AuditEvent.objects.count()


def grant(actor, person, place, kind=RoleKind.REPRESENTATIVE, start=START,  # type: ignore[no-untyped-def]
          end=None):
    return services.grant_role(actor=actor, person=person, kind=kind, place=place,
                               start=start, end=end)


def test_staff_grant_a_representative_role_to_a_resident_with_one_audit_event(people, tree):
    before = counts()

    role = grant(people["staff_a"].user, people["resident_a"], tree["a_group"])

    assert (role.kind, role.place, role.start, role.end) == (
        RoleKind.REPRESENTATIVE, tree["a_group"], START, None)
    assert counts() == (before[0] + 1, before[1] + 1)
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.object_id, event.after["person"]) == (
        "role.grant", str(role.pk), people["resident_a"].pk)
    assert "王小明" not in str(event.after)  # ids only: no personal data in the log


def test_a_township_official_grants_roles_in_the_communities_below(people, tree):
    role = grant(people["township"].user, people["resident_b"], tree["b"])

    assert role.place == tree["b"]


@pytest.mark.parametrize("who", ["staff_b", "resident_a", "courier_a"])
def test_only_staff_of_the_place_or_above_grant_its_roles(people, tree, who):
    before = counts()

    with pytest.raises(PermissionDenied) as refused:
        grant(people[who].user, people["resident_a"], tree["a"])

    assert refused.value.rule == "staff"
    assert counts() == before


@pytest.mark.parametrize(("case", "rule"), [
    ("lives elsewhere", "resident"), ("at the street", "role_place"),
    ("ends before it starts", "end_date"), ("no such role", "role_kind"),
    ("already held", "role_held"),
])
def test_a_grant_the_rules_forbid_is_refused_and_writes_nothing(people, tree, case, rule):
    staff = people["township"].user
    if case == "already held":
        grant(staff, people["resident_a"], tree["a"], start=START - timedelta(days=400))
    args = {
        "lives elsewhere": dict(person=people["resident_b"], place=tree["a"]),
        "at the street": dict(person=people["resident_a"], place=tree["street"]),
        "ends before it starts": dict(person=people["resident_a"], place=tree["a"],
                                      end=START - timedelta(days=1)),
        "no such role": dict(person=people["resident_a"], place=tree["a"], kind="mayor"),
        "already held": dict(person=people["resident_a"], place=tree["a"]),
    }[case]
    before = counts()

    with pytest.raises(RuleViolation) as refused:
        grant(staff, **args)

    assert refused.value.rule == rule
    assert counts() == before


def test_the_same_role_is_granted_again_after_the_last_one_ended(people, tree):
    staff = people["staff_a"].user
    first = grant(staff, people["resident_a"], tree["a"], end=START + timedelta(days=10))

    again = grant(staff, people["resident_a"], tree["a"], start=START + timedelta(days=11))

    assert again.pk != first.pk


def test_a_role_is_ended_with_one_audit_event(people, tree):
    role = Role.objects.get(person=people["staff_a"])
    before = counts()

    ended = services.end_role(actor=people["township"].user, role=role, on=date(2025, 3, 31))

    assert ended.end == date(2025, 3, 31)
    assert counts() == (before[0], before[1] + 1)
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.before, event.after["end"]) == (
        "role.end", {"end": None}, "2025-03-31")


@pytest.mark.parametrize(("on", "rule"), [(date(2019, 12, 31), "end_date"),
                                          (None, "reopen")])
def test_an_end_the_rules_forbid_is_refused_and_writes_nothing(people, tree, on, rule):
    role = Role.objects.get(person=people["staff_a"])
    before = counts()

    with pytest.raises(RuleViolation) as refused:
        services.end_role(actor=people["township"].user, role=role, on=on)  # type: ignore[arg-type]

    assert refused.value.rule == rule
    role.refresh_from_db()
    assert role.end is None
    assert counts() == before


def test_a_role_is_not_extended_by_ending_it_later(people, tree):
    staff = people["staff_a"].user
    role = grant(staff, people["resident_a"], tree["a"], end=date(2025, 6, 30))

    with pytest.raises(RuleViolation) as refused:
        services.end_role(actor=staff, role=role, on=date(2025, 12, 31))

    assert refused.value.rule == "ended"


def test_staff_of_another_community_cannot_end_a_role_here(people, tree):
    role = Role.objects.get(person=people["staff_a"])

    with pytest.raises(PermissionDenied):
        services.end_role(actor=people["staff_b"].user, role=role, on=date(2025, 3, 31))
    role.refresh_from_db()
    assert role.end is None
