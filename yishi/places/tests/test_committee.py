"""The 7+X consultation committee (000 §(二)(2)): seven fixed seats for a three-year
renewable term, one person each (the topic-bound X members: consult/tests/test_x_members.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent
from yishi.places import services
from yishi.places.models import CommitteeMembership, Seat
from yishi.places.tests.factories import resident

START = date(2025, 1, 1)


@pytest.fixture
def staff(people):  # type: ignore[no-untyped-def]
    return people["staff_a"].user


def appoint(staff, tree, person, seat=Seat.WOMEN, start=START):  # type: ignore[no-untyped-def]
    return services.appoint_seat(actor=staff, community=tree["a"], seat=seat, person=person,
                                 term_start=start)


def test_a_resident_is_appointed_to_a_seat_for_three_years(people, tree, staff):
    before = AuditEvent.objects.count()

    m = appoint(staff, tree, people["resident_a"])

    assert (m.seat, m.term_start, m.term_end, m.ended_on) == (Seat.WOMEN, START,
                                                              date(2027, 12, 31), None)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "committee.appoint"
    assert event.after["person"] == people["resident_a"].pk
    assert "王小明" not in str(event.after)


def test_a_second_person_on_an_occupied_seat_is_refused_and_nothing_is_written(people, tree,
                                                                               staff):
    appoint(staff, tree, people["resident_a"])
    other = resident(tree["a"], name="赵丽")
    before = (CommitteeMembership.objects.count(), AuditEvent.objects.count())

    with pytest.raises(RuleViolation) as refused:
        appoint(staff, tree, other, start=START + timedelta(days=100))

    assert refused.value.clause == "000 §(二)(2)" and refused.value.rule == "occupied"
    assert "2027-12-31" in refused.value.message
    assert (CommitteeMembership.objects.count(), AuditEvent.objects.count()) == before


def test_a_seat_whose_term_ran_out_can_be_filled(people, tree, staff):
    old = appoint(staff, tree, people["resident_a"])
    other = resident(tree["a"], name="赵丽")

    new = appoint(staff, tree, other, start=date(2028, 1, 1))

    old.refresh_from_db()
    assert old.ended_on == date(2027, 12, 31)
    assert new.term_end == date(2030, 12, 31)


def test_a_seat_ended_early_can_be_filled_from_the_next_day(people, tree, staff):
    old = appoint(staff, tree, people["resident_a"])
    services.end_seat(actor=staff, membership=old, on=date(2025, 6, 30))
    other = resident(tree["a"], name="赵丽")

    with pytest.raises(RuleViolation):
        appoint(staff, tree, other, start=date(2025, 6, 30))
    new = appoint(staff, tree, other, start=date(2025, 7, 1))

    assert new.term_end == date(2028, 6, 30)


def test_one_person_holds_one_seat(people, tree, staff):
    appoint(staff, tree, people["resident_a"], seat=Seat.WOMEN)

    with pytest.raises(RuleViolation, match="one person holds one seat"):
        appoint(staff, tree, people["resident_a"], seat=Seat.RESPECTED)


def test_a_seat_holder_must_be_a_resident_of_the_community(people, tree, staff):
    with pytest.raises(RuleViolation, match="resident of this community"):
        appoint(staff, tree, people["resident_b"])
    assert not CommitteeMembership.objects.exists()


def test_someone_who_moved_out_cannot_be_appointed(people, tree, staff):
    person = people["resident_a"]
    person.moved_out_on = timezone.localdate() - timedelta(days=1)
    person.save()

    with pytest.raises(RuleViolation, match="resident of this community"):
        appoint(staff, tree, person)


@pytest.mark.parametrize("who", ["resident_a", "staff_b", "courier_a"])
def test_only_staff_of_the_community_may_appoint(people, tree, who):
    with pytest.raises(PermissionDenied) as refused:
        appoint(people[who].user, tree, people["resident_a"])

    assert refused.value.clause == "000 §(二)(2)"
    assert not CommitteeMembership.objects.exists()


def test_township_staff_may_appoint_in_a_community_below(people, tree):
    m = appoint(people["township"].user, tree, people["resident_a"])
    assert m.pk


def test_an_unknown_seat_is_refused(people, tree, staff):
    with pytest.raises(RuleViolation, match="seven seats"):
        appoint(staff, tree, people["resident_a"], seat="treasurer")


def test_a_term_is_renewed_from_the_day_after_it_ends(people, tree, staff):
    first = appoint(staff, tree, people["resident_a"])

    second = services.renew_seat(actor=staff, membership=first)
    third = services.renew_seat(actor=staff, membership=second)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.ended_on == date(2027, 12, 31)
    assert (second.term_start, second.term_end, second.ended_on) == (
        date(2028, 1, 1), date(2030, 12, 31), date(2030, 12, 31))
    assert (third.term_start, third.term_end, third.ended_on) == (
        date(2031, 1, 1), date(2033, 12, 31), None)
    assert third.person == first.person and third.seat == first.seat


def test_an_ended_term_is_not_renewed(people, tree, staff):
    m = appoint(staff, tree, people["resident_a"])
    services.end_seat(actor=staff, membership=m, on=date(2025, 3, 1))

    with pytest.raises(RuleViolation, match="already ended"):
        services.renew_seat(actor=staff, membership=m)


def test_only_staff_may_renew_or_end(people, tree, staff):
    m = appoint(staff, tree, people["resident_a"])

    with pytest.raises(PermissionDenied):
        services.renew_seat(actor=people["staff_b"].user, membership=m)
    with pytest.raises(PermissionDenied):
        services.end_seat(actor=people["resident_a"].user, membership=m, on=date(2025, 3, 1))
    m.refresh_from_db()
    assert m.ended_on is None


@pytest.mark.parametrize("on", [date(2024, 12, 31), date(2028, 1, 1)])
def test_a_term_ends_within_itself(people, tree, staff, on):
    m = appoint(staff, tree, people["resident_a"])

    with pytest.raises(RuleViolation):
        services.end_seat(actor=staff, membership=m, on=on)


def test_a_membership_ends_only_once(people, tree, staff):
    m = appoint(staff, tree, people["resident_a"])
    services.end_seat(actor=staff, membership=m, on=date(2025, 3, 1))

    with pytest.raises(RuleViolation, match="already ended"):
        services.end_seat(actor=staff, membership=m, on=date(2025, 4, 1))
