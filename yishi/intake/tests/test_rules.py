"""Pure rules of intake: the joint-proposal threshold (000 §(二)(1)), the workflow tables and
the text limits."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from yishi.core.exceptions import RuleViolation
from yishi.core.workflow import next_state
from yishi.intake.rules import (
    OPEN_OPINION_STATES,
    OPINION_ACTIONS,
    OPINION_STATES,
    OPINION_TRANSITIONS,
    PROPOSAL_ACTIONS,
    PROPOSAL_STATES,
    PROPOSAL_TRANSITIONS,
    OpinionState,
    ProposalState,
    joint_proposal_reached,
    share_reached,
    signatures_needed,
    validate_text,
)

examples = settings(max_examples=200, deadline=None)
counts = st.integers(min_value=0, max_value=100_000)
bases = st.integers(min_value=0, max_value=100_000)
shares = st.fractions(min_value=Fraction(1, 1000), max_value=1, max_denominator=1000)


def _ceil(share: Fraction, base: int) -> int:
    return -(-share.numerator * base // share.denominator)


# --- known values -----------------------------------------------------------------------


def test_one_tenth_of_thirty_residents_is_three_signatures_and_not_two():
    assert not joint_proposal_reached(eligible_residents=30, representatives=0,
                                      resident_signatures=2, representative_signatures=0)
    assert joint_proposal_reached(eligible_residents=30, representatives=0,
                                  resident_signatures=3, representative_signatures=0)


def test_yishang_includes_the_number_itself_when_the_share_is_exact():
    # 十分之一以上: 10 of 100 is exactly one tenth and suffices.
    assert joint_proposal_reached(eligible_residents=100, representatives=0,
                                  resident_signatures=10, representative_signatures=0)
    assert not joint_proposal_reached(eligible_residents=100, representatives=0,
                                      resident_signatures=9, representative_signatures=0)


def test_a_share_that_is_not_exact_rounds_up():
    # 1/10 of 101 is 10.1: ten signatures are not enough, eleven are.
    assert not joint_proposal_reached(eligible_residents=101, representatives=0,
                                      resident_signatures=10, representative_signatures=0)
    assert joint_proposal_reached(eligible_residents=101, representatives=0,
                                  resident_signatures=11, representative_signatures=0)
    assert signatures_needed(101, Fraction(1, 10)) == 11


def test_one_fifth_of_the_representatives_suffices_on_its_own():
    assert joint_proposal_reached(eligible_residents=1000, representatives=25,
                                  resident_signatures=5, representative_signatures=5)
    assert not joint_proposal_reached(eligible_residents=1000, representatives=25,
                                      resident_signatures=5, representative_signatures=4)


def test_no_representatives_registered_never_satisfies_the_representative_path():
    assert not joint_proposal_reached(eligible_residents=1000, representatives=0,
                                      resident_signatures=1, representative_signatures=0)
    assert not joint_proposal_reached(eligible_residents=1000, representatives=0,
                                      resident_signatures=1, representative_signatures=1)


def test_an_empty_register_never_satisfies_the_resident_path():
    assert not joint_proposal_reached(eligible_residents=0, representatives=0,
                                      resident_signatures=0, representative_signatures=0)
    assert not joint_proposal_reached(eligible_residents=0, representatives=0,
                                      resident_signatures=5, representative_signatures=0)
    assert signatures_needed(0, Fraction(1, 10)) is None


def test_a_tiny_community_still_needs_one_signature():
    assert signatures_needed(3, Fraction(1, 10)) == 1
    assert not share_reached(0, 3, Fraction(1, 10))
    assert share_reached(1, 3, Fraction(1, 10))


def test_the_shares_are_configurable():
    assert not joint_proposal_reached(eligible_residents=100, representatives=0,
                                      resident_signatures=10, representative_signatures=0,
                                      resident_share=Fraction(1, 5))
    assert joint_proposal_reached(eligible_residents=100, representatives=0,
                                  resident_signatures=20, representative_signatures=0,
                                  resident_share=Fraction(1, 5))
    assert joint_proposal_reached(eligible_residents=100, representatives=30,
                                  resident_signatures=10, representative_signatures=10,
                                  resident_share=Fraction(1, 5), representative_share=Fraction(1, 3))


def test_the_arithmetic_is_exact_where_a_float_would_round():
    # Two thirds of 3 with a rounded 0.67 would ask for 2.01, that is 3; exactly it is 2.
    assert 3 * 0.67 > 2
    assert share_reached(2, 3, Fraction(2, 3))
    assert signatures_needed(3, Fraction(2, 3)) == 2
    assert signatures_needed(30, Fraction(1, 10)) == 3


# --- properties -------------------------------------------------------------------------


@examples
@given(count=counts, base=bases, share=shares)
def test_share_reached_means_count_times_denominator_at_least_numerator_times_base(count, base, share):
    expected = base > 0 and count > 0 and count * share.denominator >= share.numerator * base
    assert share_reached(count, base, share) == expected
    assert share_reached(count, base, share) == (base > 0 and count > 0
                                                 and Fraction(count) >= share * base)


@examples
@given(count=counts, base=bases, share=shares)
def test_signatures_needed_is_exactly_where_share_reached_flips(count, base, share):
    needed = signatures_needed(base, share)
    if base == 0:
        assert needed is None
        assert not share_reached(count, base, share)
    else:
        assert needed == max(1, _ceil(share, base))
        assert share_reached(count, base, share) == (count >= needed)
        assert share_reached(needed, base, share)
        assert not share_reached(needed - 1, base, share)


@examples
@given(eligible=bases, reps=st.integers(min_value=0, max_value=500),
       rs=counts, ps=st.integers(min_value=0, max_value=500), rshare=shares, pshare=shares)
def test_either_share_suffices_and_nothing_else_does(eligible, reps, rs, ps, rshare, pshare):
    reached = joint_proposal_reached(eligible_residents=eligible, representatives=reps,
                                     resident_signatures=rs, representative_signatures=ps,
                                     resident_share=rshare, representative_share=pshare)
    assert reached == (share_reached(rs, eligible, rshare) or share_reached(ps, reps, pshare))


@examples
@given(eligible=bases, reps=st.integers(min_value=0, max_value=500), rs=counts,
       ps=st.integers(min_value=0, max_value=500), more_r=st.integers(0, 50), more_p=st.integers(0, 50))
def test_more_signatures_never_undo_a_reached_threshold(eligible, reps, rs, ps, more_r, more_p):
    before = joint_proposal_reached(eligible_residents=eligible, representatives=reps,
                                    resident_signatures=rs, representative_signatures=ps)
    after = joint_proposal_reached(eligible_residents=eligible, representatives=reps,
                                   resident_signatures=rs + more_r,
                                   representative_signatures=ps + more_p)
    assert not before or after


@examples
@given(eligible=st.integers(min_value=1, max_value=100_000))
def test_the_resident_threshold_flips_exactly_at_ceil_one_tenth(eligible):
    needed = _ceil(Fraction(1, 10), eligible)
    assume(needed >= 1)

    def reached(n: int) -> bool:
        return joint_proposal_reached(eligible_residents=eligible, representatives=0,
                                      resident_signatures=n, representative_signatures=0)

    assert reached(needed)
    assert not reached(needed - 1)
    assert signatures_needed(eligible, Fraction(1, 10)) == needed


@examples
@given(reps=st.integers(min_value=1, max_value=1000))
def test_the_representative_threshold_flips_exactly_at_ceil_one_fifth(reps):
    needed = _ceil(Fraction(1, 5), reps)

    def reached(n: int) -> bool:
        return joint_proposal_reached(eligible_residents=10**6, representatives=reps,
                                      resident_signatures=n, representative_signatures=n)

    assert reached(needed)
    assert not reached(needed - 1)


# --- workflow tables --------------------------------------------------------------------


@pytest.mark.parametrize("table, states, actions", [
    (OPINION_TRANSITIONS, OPINION_STATES, OPINION_ACTIONS),
    (PROPOSAL_TRANSITIONS, PROPOSAL_STATES, PROPOSAL_ACTIONS),
])
def test_every_state_and_action_of_a_table_is_known_and_labelled(table, states, actions):
    for (source, action), step in table.items():
        assert source in states
        assert action in actions
        assert step.target in states


@pytest.mark.parametrize("table, states, actions", [
    (OPINION_TRANSITIONS, OPINION_STATES, OPINION_ACTIONS),
    (PROPOSAL_TRANSITIONS, PROPOSAL_STATES, PROPOSAL_ACTIONS),
])
def test_every_pair_not_in_a_table_is_refused(table, states, actions):
    labels = {**{k: str(v) for k, v in states.items()}, **{k: str(v) for k, v in actions.items()}}
    for state in states:
        for action in actions:
            if (state, action) in table:
                assert next_state(table, state, action, labels=labels) == table[(state, action)]
            else:
                with pytest.raises(RuleViolation):
                    next_state(table, state, action, labels=labels)


def test_an_opinion_is_acknowledged_before_it_is_answered():
    assert (OpinionState.SUBMITTED, "answer") not in OPINION_TRANSITIONS
    assert (OpinionState.SUBMITTED, "rate") not in OPINION_TRANSITIONS
    assert OPINION_TRANSITIONS[(OpinionState.ACKNOWLEDGED, "answer")].target == OpinionState.ANSWERED


def test_every_open_opinion_can_still_reach_an_answer_and_every_answer_a_rating():
    def reachable(state: str) -> set[str]:
        seen, todo = {state}, [state]
        while todo:
            s = todo.pop()
            for (src, _a), step in OPINION_TRANSITIONS.items():
                if src == s and step.target not in seen:
                    seen.add(step.target)
                    todo.append(step.target)
        return seen

    for state in OPEN_OPINION_STATES:
        assert OpinionState.ANSWERED in reachable(state)
        assert OpinionState.RATED in reachable(state)
    assert not any(src == OpinionState.RATED for (src, _a) in OPINION_TRANSITIONS)


def test_a_proposal_is_final_once_reached_closed_or_withdrawn():
    for final in (ProposalState.REACHED, ProposalState.CLOSED, ProposalState.WITHDRAWN):
        assert not any(src == final for (src, _a) in PROPOSAL_TRANSITIONS)
    assert PROPOSAL_TRANSITIONS[(ProposalState.OPEN, "reach")].clause == "000 §(二)(1)"


# --- text limits ------------------------------------------------------------------------


def test_a_title_and_a_text_within_the_limits_pass():
    assert validate_text("路灯坏了", "3栋门口路灯坏了一周。") == {}
    assert validate_text("题" * 100, "字" * 2000) == {}


def test_empty_or_blank_title_and_text_are_refused():
    errors = validate_text("  ", "\n\t ")
    assert set(errors) == {"title", "text"}
    assert set(validate_text("", "")) == {"title", "text"}
    assert set(validate_text(None, None)) == {"title", "text"}  # type: ignore[arg-type]


def test_oversized_title_and_text_are_refused_naming_the_limit():
    errors = validate_text("题" * 101, "字" * 2001)
    assert set(errors) == {"title", "text"}
    assert "100" in errors["title"]
    assert "2000" in errors["text"]


def test_surrounding_spaces_do_not_count_towards_the_limit():
    assert validate_text("  " + "题" * 100 + "  ", " " + "字" * 2000 + "\n") == {}


def test_the_limits_can_be_set_by_the_caller():
    assert "title" in validate_text("abcdef", "x", title_max=5)
    assert "text" in validate_text("a", "abcdef", text_max=5)


@settings(max_examples=150, deadline=None)
@given(title=st.text(max_size=150), text=st.text(max_size=2100))
def test_validate_text_accepts_exactly_the_non_blank_texts_within_the_limits(title, text):
    errors = validate_text(title, text)
    assert ("title" in errors) == ("\x00" in title or not title.strip() or len(title.strip()) > 100)
    assert ("text" in errors) == ("\x00" in text or not text.strip() or len(text.strip()) > 2000)


def test_a_nul_character_is_refused_because_postgresql_cannot_store_it():
    assert set(validate_text("路\x00灯", "坏\x00了")) == {"title", "text"}
