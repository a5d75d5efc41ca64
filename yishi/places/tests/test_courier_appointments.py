"""Opinion couriers' appointments (002 一聘): recruited openly, appointed for one year with
the courier role of exactly that term, assessed every year before a reappointment; street
staff and members of the two committees are refused, and a refusal writes nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from yishi.core import clock
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent
from yishi.places import services
from yishi.places.models import (
    CommitteeMembership,
    CourierAppointment,
    CourierAssessment,
    CourierRecruitment,
    Role,
    RoleKind,
    Seat,
)
from yishi.places.permissions import is_courier_at
from yishi.places.tests.factories import resident

ANNOUNCED, CLOSES, START = date(2025, 1, 2), date(2025, 1, 20), date(2025, 2, 1)
END = date(2026, 1, 31)


@pytest.fixture
def staff(people):  # type: ignore[no-untyped-def]
    return people["staff_a"].user


@pytest.fixture
def recruitment(staff, tree):  # type: ignore[no-untyped-def]
    return services.record_recruitment(actor=staff, community=tree["a"], announced_on=ANNOUNCED,
                                       announced_where="社区公示栏", closes_on=CLOSES)


@pytest.fixture
def recruit(tree):  # type: ignore[no-untyped-def]
    return resident(tree["a"], username="recruit", name="赵丽华")


def appoint(staff, recruitment, person, start=START, subsidy="300"):  # type: ignore[no-untyped-def]
    return services.appoint_courier(actor=staff, recruitment=recruitment, person=person,
                                    term_start=start, subsidy=subsidy)


def assess(staff, appointment, result="competent", on=date(2026, 1, 10)):  # type: ignore[no-untyped-def]
    return services.assess_courier(actor=staff, appointment=appointment, assessed_on=on,
                                   result=result, comment="走访及时", assessed_by="社区党委")


def written() -> tuple[int, ...]:
    return (CourierRecruitment.objects.count(), CourierAppointment.objects.count(),
            CourierAssessment.objects.count(), Role.objects.count(), AuditEvent.objects.count())


def test_a_recruitment_is_recorded_with_one_audit_event(staff, tree):
    before = AuditEvent.objects.count()

    r = services.record_recruitment(actor=staff, community=tree["a"], announced_on=ANNOUNCED,
                                    announced_where=" 社区公示栏 ", closes_on=CLOSES)

    assert (r.community, r.announced_where, r.closes_on) == (tree["a"], "社区公示栏", CLOSES)
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").action == "courier.recruit"


@pytest.mark.parametrize("announced, closes, where", [
    (date(2025, 1, 20), date(2025, 1, 2), "社区公示栏"),  # closes before it is announced
    (date(2099, 1, 1), date(2099, 2, 1), "社区公示栏"),  # announced in the future
    (ANNOUNCED, CLOSES, "   "),  # announced nowhere
    (ANNOUNCED, CLOSES, "栏" * 201),
])
def test_a_recruitment_that_cannot_be_is_refused_and_nothing_is_written(staff, tree, announced,
                                                                        closes, where):
    before = written()
    with pytest.raises(RuleViolation) as refused:
        services.record_recruitment(actor=staff, community=tree["a"], announced_on=announced,
                                    announced_where=where, closes_on=closes)
    assert refused.value.clause == "002 一聘"
    assert written() == before


def test_a_recruited_resident_is_appointed_for_one_year_with_the_courier_role_of_the_term(
        staff, tree, recruitment, recruit):
    before = AuditEvent.objects.count()

    a = appoint(staff, recruitment, recruit)

    assert (a.term_start, a.term_end, a.subsidy, a.recruitment) == (START, END, Decimal("300.00"),
                                                                     recruitment)
    role = a.role
    assert (role.person, role.place, role.kind, role.start, role.end) == (
        recruit, tree["a"], RoleKind.COURIER, START, END)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "courier.appoint"
    assert event.after["person"] == recruit.pk and event.after["role"] == role.pk
    assert "赵丽华" not in str(event.after)
    # The existing permissions read the role: a courier within the term, not after it.
    for day, serving in ((START, True), (END, True), (END + timedelta(days=1), False),
                         (START - timedelta(days=1), False)):
        recruit.user.__dict__.pop("_yishi_perm_cache", None)
        with clock.at(timezone.make_aware(datetime.combine(day, datetime.min.time()))):
            assert is_courier_at(recruit.user, tree["a"]) is serving, day


def test_no_subsidy_is_recorded_as_none(staff, recruitment, recruit):
    assert appoint(staff, recruitment, recruit, subsidy=None).subsidy is None


@pytest.mark.parametrize("kind, place", [
    (RoleKind.TOWNSHIP, "street"), (RoleKind.STAFF, "street"),  # 街道工作人员
    (RoleKind.STAFF, "a"), (RoleKind.PARTY, "a"), (RoleKind.CHAIR, "a"),  # 两委
    (RoleKind.PARTY, "b"),  # a member of another community's two committees
])
def test_street_staff_and_the_two_committees_are_refused_with_the_clause_and_nothing_is_written(
        staff, tree, recruitment, recruit, kind, place):
    Role.objects.create(person=recruit, place=tree[place], kind=kind, start=date(2024, 1, 1))
    before = written()

    with pytest.raises(RuleViolation) as refused:
        appoint(staff, recruitment, recruit)

    assert refused.value.clause == "002 一聘"
    assert refused.value.rule in {"courier_street_staff", "courier_two_committees"}
    assert written() == before


@pytest.mark.parametrize("seat, refused", [(Seat.COMMITTEE, True), (Seat.PARTY, True),
                                           (Seat.WOMEN, False)])
def test_the_committee_seats_of_the_two_committees_are_refused(staff, tree, recruitment, recruit,
                                                               seat, refused):
    CommitteeMembership.objects.create(community=tree["a"], person=recruit, seat=seat,
                                       term_start=date(2024, 3, 1), term_end=date(2027, 2, 28))
    if refused:
        with pytest.raises(RuleViolation) as refusal:
            appoint(staff, recruitment, recruit)
        assert refusal.value.rule == "courier_two_committees"
    else:
        assert appoint(staff, recruitment, recruit).role.kind == RoleKind.COURIER


def test_a_role_that_ended_before_the_term_starts_does_not_bar(staff, tree, recruitment, recruit):
    Role.objects.create(person=recruit, place=tree["a"], kind=RoleKind.STAFF,
                        start=date(2020, 1, 1), end=START - timedelta(days=1))
    assert appoint(staff, recruitment, recruit).term_start == START


def test_a_second_term_overlapping_the_first_is_refused(staff, recruitment, recruit):
    appoint(staff, recruitment, recruit)
    before = written()

    with pytest.raises(RuleViolation) as refused:
        appoint(staff, recruitment, recruit, start=date(2025, 8, 1))

    assert refused.value.rule == "courier_overlap"
    assert written() == before


def test_a_term_starting_before_applications_close_is_refused(staff, recruitment, recruit):
    before = written()
    with pytest.raises(RuleViolation) as refused:
        appoint(staff, recruitment, recruit, start=CLOSES)
    assert refused.value.rule == "courier_recruitment"
    assert written() == before


def test_someone_who_is_no_resident_of_the_community_is_refused(staff, tree, recruitment):
    other = resident(tree["b"], name="李四")
    with pytest.raises(RuleViolation) as refused:
        appoint(staff, recruitment, other)
    assert refused.value.rule == "courier_resident"


@pytest.mark.parametrize("subsidy", ["-1", "abc", "1e9", "NaN"])
def test_a_subsidy_that_is_no_amount_is_refused(staff, recruitment, recruit, subsidy):
    before = written()
    with pytest.raises(RuleViolation):
        appoint(staff, recruitment, recruit, subsidy=subsidy)
    assert written() == before


def test_only_staff_of_the_community_appoint(people, recruitment, recruit):
    for user in (people["staff_b"].user, people["courier_a"].user, people["resident_a"].user):
        with pytest.raises(PermissionDenied):
            appoint(user, recruitment, recruit)
    # The street's official is staff above the community.
    assert appoint(people["township"].user, recruitment, recruit).term_end == END


def test_the_assessment_is_recorded_once_with_one_audit_event(staff, recruitment, recruit):
    a = appoint(staff, recruitment, recruit)
    before = AuditEvent.objects.count()

    done = assess(staff, a, "excellent")

    assert (done.result, done.assessed_by) == ("excellent", "社区党委")
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").action == "courier.assess"
    before = written()
    with pytest.raises(RuleViolation) as refused:
        assess(staff, a)
    assert refused.value.rule == "courier_assessed"
    assert written() == before


@pytest.mark.parametrize("on, result", [
    (START - timedelta(days=1), "competent"),  # before the term
    (date(2099, 1, 1), "competent"),  # in the future
    (date(2026, 1, 10), "superb"),  # no such result
])
def test_an_assessment_that_cannot_be_is_refused(staff, recruitment, recruit, on, result):
    a = appoint(staff, recruitment, recruit)
    before = written()
    with pytest.raises(RuleViolation):
        assess(staff, a, result, on=on)
    assert written() == before


def test_a_reappointment_without_the_assessment_is_refused_and_nothing_is_written(
        staff, recruitment, recruit):
    a = appoint(staff, recruitment, recruit)
    before = written()

    with pytest.raises(RuleViolation) as refused:
        services.reappoint_courier(actor=staff, appointment=a, subsidy="300")

    assert (refused.value.rule, refused.value.clause) == ("courier_assessment", "002 一聘")
    assert written() == before


def test_a_courier_assessed_as_incompetent_is_not_reappointed(staff, recruitment, recruit):
    a = appoint(staff, recruitment, recruit)
    assess(staff, a, "incompetent")
    before = written()

    with pytest.raises(RuleViolation) as refused:
        services.reappoint_courier(actor=staff, appointment=a, subsidy="300")

    assert refused.value.rule == "courier_incompetent"
    assert written() == before


def test_an_assessed_courier_is_reappointed_from_the_day_after_the_term(staff, tree,
                                                                       recruitment, recruit):
    a = appoint(staff, recruitment, recruit)
    assess(staff, a, "basic")
    before = AuditEvent.objects.count()

    new = services.reappoint_courier(actor=staff, appointment=a, subsidy="350.5")

    assert (new.previous, new.recruitment, new.term_start, new.term_end, new.subsidy) == (
        a, recruitment, date(2026, 2, 1), date(2027, 1, 31), Decimal("350.50"))
    assert (new.role.start, new.role.end, new.role.kind) == (date(2026, 2, 1), date(2027, 1, 31),
                                                            RoleKind.COURIER)
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").action == "courier.reappoint"
    # Once: the next year's term is there already.
    with pytest.raises(RuleViolation) as refused:
        services.reappoint_courier(actor=staff, appointment=a, subsidy=None)
    assert refused.value.rule == "courier_reappointed"


def test_a_courier_who_joined_the_two_committees_is_not_reappointed(staff, tree, recruitment,
                                                                   recruit):
    a = appoint(staff, recruitment, recruit)
    assess(staff, a)
    Role.objects.create(person=recruit, place=tree["a"], kind=RoleKind.STAFF,
                        start=date(2025, 12, 1))
    before = written()

    with pytest.raises(RuleViolation) as refused:
        services.reappoint_courier(actor=staff, appointment=a, subsidy=None)

    assert refused.value.rule == "courier_two_committees"
    assert written() == before


def test_a_term_whose_role_was_ended_early_is_not_renewed(staff, recruitment, recruit):
    a = appoint(staff, recruitment, recruit)
    assess(staff, a)
    services.end_role(actor=staff, role=a.role, on=date(2025, 10, 31))

    with pytest.raises(RuleViolation) as refused:
        services.reappoint_courier(actor=staff, appointment=a, subsidy=None)

    assert refused.value.rule == "courier_ended"
