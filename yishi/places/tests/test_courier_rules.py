"""Property tests of the couriers' rules (002 一聘): a one-year term, one term at a time,
no street staff or member of the two committees, assessed before a reappointment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yishi.core.exceptions import RuleViolation
from yishi.places.models import PlaceKind, RoleKind, Seat
from yishi.places.rules import (
    COURIER_CLAUSE,
    STREET_STAFF_KINDS,
    TWO_COMMITTEES_KINDS,
    TWO_COMMITTEES_SEATS,
    check_courier_eligible,
    check_courier_overlap,
    check_courier_term,
    check_reappointment,
    courier_term_end,
    overlapping_term,
)

days = st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31))


def _refusal(check, *args, **kwargs):  # type: ignore[no-untyped-def]
    try:
        check(*args, **kwargs)
    except RuleViolation as refused:
        assert refused.clause == COURIER_CLAUSE
        return refused.rule
    return None


@given(days)
def test_a_term_is_one_year_ending_the_day_before_its_anniversary(start):
    end = courier_term_end(start)

    assert (end - start).days + 1 in (365, 366)
    following = end + timedelta(days=1)
    # The next term starts on the anniversary (1 March for a start on 29 February).
    assert (following.year, following.month, following.day) in {
        (start.year + 1, start.month, start.day), (start.year + 1, 3, 1)}
    assert _refusal(check_courier_term, start, end) is None


@given(days, st.integers(min_value=-400, max_value=400).filter(lambda n: n != 0))
def test_a_term_of_any_other_length_is_refused(start, shift):
    end = courier_term_end(start) + timedelta(days=shift)
    assert _refusal(check_courier_term, start, end) == "courier_term"


def _terms(draw_start: date, lengths: list[tuple[int, int]]) -> list[tuple[date, date]]:
    """Back-to-back one-year terms with gaps, from ``draw_start``."""
    terms = []
    start = draw_start
    for gap, _n in lengths:
        start = start + timedelta(days=gap)
        end = courier_term_end(start)
        terms.append((start, end))
        start = end + timedelta(days=1)
    return terms


@given(days, st.lists(st.tuples(st.integers(0, 200), st.just(0)), min_size=0, max_size=4),
       days)
def test_two_terms_of_the_same_person_never_share_a_day(first, gaps, start):
    held = _terms(first, gaps)
    end = courier_term_end(start)
    shares = [t for t in held if t[0] <= end and t[1] >= start]

    rule = _refusal(check_courier_overlap, start, end, list(held))

    assert rule == ("courier_overlap" if shares else None)
    if rule is None:
        # Every day of the new term lies outside every held term.
        assert all(t[1] < start or t[0] > end for t in held)


@given(days)
def test_the_term_after_one_year_starts_the_next_day_without_overlap(start):
    end = courier_term_end(start)
    following = end + timedelta(days=1)
    assert overlapping_term(following, courier_term_end(following), [(start, end)]) is None
    assert overlapping_term(end, courier_term_end(end), [(start, end)]) == (start, end)


@given(days, days)
def test_an_open_ended_role_overlaps_every_later_term(role_start, start):
    end = courier_term_end(start)
    refused = _refusal(check_courier_overlap, start, end, [(role_start, None)])
    assert refused == ("courier_overlap" if role_start <= end else None)


kinds = st.sampled_from(RoleKind.values)
place_kinds = st.sampled_from(PlaceKind.values)


@given(st.lists(st.tuples(kinds, place_kinds), max_size=4),
       st.lists(st.sampled_from(Seat.values), max_size=3))
def test_street_staff_and_the_two_committees_are_refused_everyone_else_may_serve(roles, seats):
    street = any(k in STREET_STAFF_KINDS
                 or (k in TWO_COMMITTEES_KINDS and p in {"street", "district", "city"})
                 for k, p in roles)
    committees = any(k in TWO_COMMITTEES_KINDS for k, _p in roles) or any(
        s in TWO_COMMITTEES_SEATS for s in seats)

    rule = _refusal(check_courier_eligible, roles=roles, seats=seats)

    if street:
        assert rule == "courier_street_staff"
    elif committees:
        assert rule == "courier_two_committees"
    else:
        assert rule is None


@pytest.mark.parametrize("kind, place_kind, rule", [
    (RoleKind.TOWNSHIP, PlaceKind.STREET, "courier_street_staff"),
    (RoleKind.STAFF, PlaceKind.STREET, "courier_street_staff"),
    (RoleKind.STAFF, PlaceKind.COMMUNITY, "courier_two_committees"),
    (RoleKind.PARTY, PlaceKind.COMMUNITY, "courier_two_committees"),
    (RoleKind.CHAIR, PlaceKind.COMMUNITY, "courier_two_committees"),
    (RoleKind.REPRESENTATIVE, PlaceKind.GROUP, None),
    (RoleKind.SUPERVISOR, PlaceKind.COMMUNITY, None),  # not one of the two committees
    (RoleKind.COURIER, PlaceKind.COMMUNITY, None),
])
def test_which_roles_bar_a_courier(kind, place_kind, rule):
    assert _refusal(check_courier_eligible, roles=[(kind, place_kind)], seats=[]) == rule


@pytest.mark.parametrize("seat, rule", [
    (Seat.PARTY, "courier_two_committees"), (Seat.COMMITTEE, "courier_two_committees"),
    (Seat.WOMEN, None), (Seat.RESIDENTS, None), (Seat.SUPERVISORY, None),
])
def test_the_committee_seats_of_the_two_committees_bar_a_courier(seat, rule):
    assert _refusal(check_courier_eligible, roles=[], seats=[seat]) == rule


@given(st.sampled_from([None, "excellent", "competent", "basic", "incompetent"]), st.booleans())
def test_a_reappointment_needs_an_assessment_that_is_not_incompetent(result, ended_early):
    rule = _refusal(check_reappointment, assessment_result=result, ended_early=ended_early)
    if ended_early:
        assert rule == "courier_ended"
    elif result is None:
        assert rule == "courier_assessment"
    elif result == "incompetent":
        assert rule == "courier_incompetent"
    else:
        assert rule is None
