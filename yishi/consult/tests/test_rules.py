"""Quorum and majority arithmetic: property tests, integer and Fraction only."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from yishi.consult.rules import (
    BASES,
    check_hand_count,
    explain_vote,
    missing_for_quorum,
    needed_for_quorum,
    quorum_met,
    required_yes,
    vote_base,
    vote_passes,
)
from yishi.core.exceptions import RuleViolation

shares = st.fractions(min_value=Fraction(1, 20), max_value=1, max_denominator=20).filter(
    lambda f: f > 0
)
counts = st.integers(min_value=0, max_value=300)


@st.composite
def tallies(draw):  # type: ignore[no-untyped-def]
    present = draw(st.integers(min_value=0, max_value=200))
    members = draw(st.integers(min_value=0, max_value=200))
    yes = draw(st.integers(min_value=0, max_value=present))
    no = draw(st.integers(min_value=0, max_value=present - yes))
    abstain = draw(st.integers(min_value=0, max_value=present - yes - no))
    return {"yes": yes, "no": no, "abstain": abstain, "present": present, "members": members}


# --- quorum ---------------------------------------------------------------------------------


def test_two_thirds_of_three_members_is_two_present() -> None:
    assert quorum_met(members=3, present=2)
    assert not quorum_met(members=3, present=1)


def test_two_thirds_of_seven_needs_five_not_four() -> None:
    # 0.67 × 7 = 4.69 would wrongly accept 4.69 → 5 either way; 2/3 × 7 = 4 2/3 → 5.
    assert not quorum_met(members=7, present=4)
    assert quorum_met(members=7, present=5)
    assert missing_for_quorum(7, 4) == 1


def test_two_thirds_of_nine_is_exactly_six_included() -> None:
    # 以上 includes the number: exactly 6 of 9 meets it (a rounded 0.67 × 9 = 6.03 would not).
    assert quorum_met(members=9, present=6)
    assert not (6 >= 0.67 * 9)


def test_an_empty_committee_never_has_a_quorum() -> None:
    assert not quorum_met(members=0, present=0)
    assert not quorum_met(members=0, present=5)
    assert missing_for_quorum(0, 3) is None


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        quorum_met(members=3, present=2, share=0.67)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        vote_passes(yes=1, no=0, abstain=0, present=1, members=1, share=0.5)  # type: ignore[arg-type]


@given(members=counts, present=counts, share=shares)
def test_quorum_matches_exact_fraction(members: int, present: int, share: Fraction) -> None:
    expected = members > 0 and Fraction(present, members) >= share
    assert quorum_met(members=members, present=present, share=share) == expected


@given(members=st.integers(1, 300), present=counts, share=shares)
def test_quorum_is_monotone_in_present(members: int, present: int, share: Fraction) -> None:
    if quorum_met(members=members, present=present, share=share):
        assert quorum_met(members=members, present=present + 1, share=share)


@given(members=st.integers(1, 300), present=counts, share=shares)
def test_missing_for_quorum_is_exactly_what_is_missing(members: int, present: int,
                                                       share: Fraction) -> None:
    missing = missing_for_quorum(members, present, share)
    assert missing is not None
    assert quorum_met(members=members, present=present + missing, share=share)
    if missing > 0:
        assert not quorum_met(members=members, present=present + missing - 1, share=share)
    assert (missing == 0) == quorum_met(members=members, present=present, share=share)
    needed = needed_for_quorum(members, share)
    assert needed is not None and needed <= members


# --- majorities -----------------------------------------------------------------------------


def test_default_is_more_than_half_of_those_present() -> None:
    assert not vote_passes(yes=5, no=0, abstain=0, present=10, members=10)  # exactly half
    assert vote_passes(yes=6, no=0, abstain=5, present=11, members=20)


def test_two_thirds_or_more_includes_the_boundary() -> None:
    assert vote_passes(yes=6, no=3, abstain=0, present=9, members=9, share=Fraction(2, 3),
                       strict=False)
    assert not vote_passes(yes=6, no=3, abstain=0, present=9, members=9, share=Fraction(2, 3),
                           strict=True)


def test_bases_differ() -> None:
    t = {"yes": 4, "no": 3, "abstain": 3, "present": 12, "members": 15}
    assert vote_passes(**t, base="yes_no")  # 4 of 7
    assert not vote_passes(**t, base="cast")  # 4 of 10
    assert not vote_passes(**t, base="present")
    assert not vote_passes(**t, base="members")


def test_unknown_base_and_inconsistent_counts_are_errors() -> None:
    with pytest.raises(ValueError):
        vote_passes(yes=1, no=0, abstain=0, present=1, members=1, base="quorum")
    with pytest.raises(ValueError):
        vote_passes(yes=2, no=1, abstain=0, present=2, members=5)


@given(t=tallies(), share=shares, strict=st.booleans(), base=st.sampled_from(sorted(BASES)))
def test_vote_matches_exact_fraction(t: dict[str, int], share: Fraction, strict: bool,
                                     base: str) -> None:
    b = vote_base(**t, base=base)
    if b == 0:
        expected = False
    elif strict:
        expected = Fraction(t["yes"], b) > share
    else:
        expected = Fraction(t["yes"], b) >= share
    assert vote_passes(**t, share=share, strict=strict, base=base) == expected


@given(t=tallies(), share=shares, strict=st.booleans(), base=st.sampled_from(sorted(BASES)))
def test_zero_base_never_passes(t: dict[str, int], share: Fraction, strict: bool,
                                base: str) -> None:
    assume(vote_base(**t, base=base) == 0)
    assert not vote_passes(**t, share=share, strict=strict, base=base)


@given(t=tallies(), share=shares, base=st.sampled_from(sorted(BASES)))
def test_strict_is_never_easier_than_at_least(t: dict[str, int], share: Fraction,
                                               base: str) -> None:
    if vote_passes(**t, share=share, strict=True, base=base):
        assert vote_passes(**t, share=share, strict=False, base=base)


@given(t=tallies(), share=shares, strict=st.booleans(), base=st.sampled_from(sorted(BASES)))
def test_one_more_yes_never_turns_a_pass_into_a_fail(t: dict[str, int], share: Fraction,
                                                    strict: bool, base: str) -> None:
    # Turn a "no" into a "yes": a passing vote keeps passing.
    assume(t["no"] > 0)
    more = {**t, "yes": t["yes"] + 1, "no": t["no"] - 1}
    if vote_passes(**t, share=share, strict=strict, base=base):
        assert vote_passes(**more, share=share, strict=strict, base=base)


@given(t=tallies(), low=shares, high=shares, strict=st.booleans(),
       base=st.sampled_from(sorted(BASES)))
def test_a_higher_threshold_is_never_easier(t: dict[str, int], low: Fraction, high: Fraction,
                                            strict: bool, base: str) -> None:
    low, high = min(low, high), max(low, high)
    if vote_passes(**t, share=high, strict=strict, base=base):
        assert vote_passes(**t, share=low, strict=strict, base=base)


@given(t=tallies(), share=shares, strict=st.booleans(), base=st.sampled_from(sorted(BASES)))
def test_explanation_agrees_with_the_rule(t: dict[str, int], share: Fraction, strict: bool,
                                          base: str) -> None:
    e = explain_vote(**t, share=share, strict=strict, base=base)
    assert e.passed == vote_passes(**t, share=share, strict=strict, base=base)
    assert e.base_value == vote_base(**t, base=base)
    if e.required is not None:
        assert e.passed == (t["yes"] >= e.required)
        assert e.required == required_yes(e.base_value, share, strict=strict)
    else:
        assert e.base_value == 0 and not e.passed


def test_explanation_shows_the_arithmetic() -> None:
    e = explain_vote(yes=6, no=2, abstain=2, present=11, members=15)
    assert (e.base_value, e.required, e.passed) == (11, 6, True)
    assert "11" in e.text and "6" in e.text


def test_hand_counts_cannot_exceed_those_present() -> None:
    check_hand_count(yes=3, no=2, abstain=1, present=6)
    with pytest.raises(RuleViolation) as exc:
        check_hand_count(yes=3, no=2, abstain=2, present=6)
    assert exc.value.rule == "votes_exceed_present"
    with pytest.raises(RuleViolation):
        check_hand_count(yes=-1, no=0, abstain=0, present=6)


@given(st.dates(), st.integers(min_value=-400, max_value=400))
def test_the_outcome_stays_on_the_board_through_its_last_day(last_day, offset) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from yishi.consult.rules import still_on_the_board

    try:
        today = last_day + timedelta(days=offset)
    except OverflowError:
        return
    assert still_on_the_board(last_day, today) == (offset <= 0)
    assert not still_on_the_board(None, today)
