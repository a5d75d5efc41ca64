"""Property tests of the pure rules about people and terms (places.rules)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from yishi.places.rules import (
    age_on,
    birth_date_from_id,
    id_check_digit,
    is_valid_id_number,
    is_valid_phone,
    latest_birth_date_for_age,
    term_end,
)

regions = st.from_regex(r"[1-8][0-9]{5}", fullmatch=True)
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
serials = st.integers(min_value=0, max_value=999)
days = st.dates(min_value=date(1901, 1, 1), max_value=date(2199, 12, 31))


def make_id(region: str, birth: date, serial: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
    return first17 + id_check_digit(first17)


@given(regions, births, serials)
def test_generated_id_numbers_are_valid_and_carry_the_birth_date(region, birth, serial):
    id_number = make_id(region, birth, serial)

    assert is_valid_id_number(id_number)
    assert is_valid_id_number(id_number.lower())  # a lower-case x check digit
    assert birth_date_from_id(id_number) == birth


@given(regions, births, serials, st.integers(min_value=0, max_value=17), st.data())
def test_changing_any_one_character_makes_the_id_number_invalid(region, birth, serial, pos, data):
    id_number = make_id(region, birth, serial)
    alphabet = "0123456789X" if pos == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != id_number[pos]]))

    changed = id_number[:pos] + replacement + id_number[pos + 1:]

    # MOD 11-2: every weight is non-zero mod 11, so any single substitution moves the sum.
    assert not is_valid_id_number(changed)


@given(st.text(max_size=20))
def test_anything_not_shaped_like_an_id_number_is_rejected(text):
    assume(len(text) != 18)
    assert not is_valid_id_number(text)


def test_an_impossible_birth_date_is_rejected_even_with_a_right_check_digit():
    first17 = "110101" + "19900230" + "001"
    assert not is_valid_id_number(first17 + id_check_digit(first17))
    assert birth_date_from_id(first17 + id_check_digit(first17)) is None


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mainland_mobile_numbers_are_valid(phone):
    assert is_valid_phone(phone)


@given(st.from_regex(r"(1[0-2][0-9]{9}|[02-9][0-9]{10}|1[3-9][0-9]{8}|1[3-9][0-9]{10})",
                     fullmatch=True))
def test_other_numbers_are_not_mobile_numbers(phone):
    assert not is_valid_phone(phone)


# --- Terms: 000 §(二)(2) 每三年为一个任期 ---------------------------------------------------


@given(days)
def test_a_term_ends_the_day_before_its_third_anniversary(start):
    end = term_end(start)
    next_start = end + timedelta(days=1)

    assert next_start.year == start.year + 3
    if (start.month, start.day) == (2, 29):
        assert (next_start.month, next_start.day) in ((2, 29), (3, 1))
    else:
        assert (next_start.month, next_start.day) == (start.month, start.day)
    assert 3 * 365 <= (next_start - start).days <= 3 * 365 + 1


@given(days, st.integers(min_value=1, max_value=4))
def test_renewed_terms_follow_each_other_without_gap_or_overlap(start, terms):
    s = start
    for _ in range(terms):
        e = term_end(s)
        assert e > s
        s = e + timedelta(days=1)
    assert s.year == start.year + 3 * terms


def test_a_term_starting_on_29_february_ends_on_28_february():
    assert term_end(date(2024, 2, 29)) == date(2027, 2, 28)
    assert term_end(date(2025, 1, 1)) == date(2027, 12, 31)


# --- Ages: 以上 includes the number itself --------------------------------------------------


@given(days, st.integers(min_value=0, max_value=100))
def test_the_latest_birth_date_for_an_age_is_exactly_the_boundary(on, age):
    latest = latest_birth_date_for_age(age, on)

    assert age_on(latest, on) >= age
    assert age_on(latest + timedelta(days=1), on) == age - 1


@given(births, days)
def test_age_on_agrees_with_the_boundary_date(birth, on):
    assume(birth <= on)
    age = age_on(birth, on)

    assert age >= 0
    assert birth <= latest_birth_date_for_age(age, on)
    assert birth > latest_birth_date_for_age(age + 1, on)


def test_someone_born_on_29_february_comes_of_age_on_1_march():
    born = date(2008, 2, 29)
    assert age_on(born, date(2026, 2, 28)) == 17
    assert age_on(born, date(2026, 3, 1)) == 18
    assert age_on(born, date(2024, 2, 29)) == 16
    assert latest_birth_date_for_age(18, date(2026, 2, 28)) == date(2008, 2, 28)
    assert latest_birth_date_for_age(18, date(2024, 2, 29)) == date(2006, 2, 28)
    assert latest_birth_date_for_age(16, date(2024, 2, 29)) == date(2008, 2, 29)


# --- Roles (places.rules.check_role_*) ------------------------------------------------------

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


def _rule_of(check, *args):  # type: ignore[no-untyped-def]
    from yishi.core.exceptions import RuleViolation

    try:
        check(*args)
    except RuleViolation as refused:
        return refused.rule
    return None


@given(days, st.one_of(st.none(), days))
def test_a_role_term_is_refused_exactly_when_it_ends_before_it_starts(start, end):
    from yishi.places.rules import check_role_term

    expected = "end_date" if end is not None and end < start else None
    assert _rule_of(check_role_term, start, end) == expected


@given(days, st.one_of(st.none(), days), st.one_of(st.none(), days))
def test_a_role_is_ended_only_within_its_term_and_never_reopened(start, end, on):
    from yishi.places.rules import check_role_end

    assume(end is None or end >= start)
    rule = _rule_of(check_role_end, start, end, on)
    if on is None:
        assert rule == "reopen"
    elif on < start:
        assert rule == "end_date"
    elif end is not None and on >= end:
        assert rule == "ended"
    else:
        assert rule is None  # start <= on < end: an earlier end is allowed


@given(st.sampled_from(["representative", "courier", "staff", "township", "city"]),
       st.sampled_from(["city", "district", "street", "community", "group", "building"]))
def test_a_representative_is_held_only_within_a_community(kind, place_kind):
    from yishi.places.rules import check_role_place

    refused = kind == "representative" and place_kind in {"city", "district", "street"}
    assert _rule_of(check_role_place, kind, place_kind) == ("role_place" if refused else None)
