"""The procedure templates as pure rules: order, refusals naming the rule, votes and quorum."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yishi.consult import procedures, rules
from yishi.consult.procedures import FOUR_TWO, HEARING, PROCEDURES, Done
from yishi.core.exceptions import RuleViolation

FOUR_TWO_ORDER = ["party_proposes", "committees_discuss", "members_review",
                  "representatives_resolve", "resolution_public", "result_public"]


def test_four_two_declares_the_six_steps_of_the_seed_in_order() -> None:
    assert list(PROCEDURES[FOUR_TWO].codes) == FOUR_TWO_ORDER
    assert all(s.clause == "004 第一篇 四.2" for s in PROCEDURES[FOUR_TWO].steps)
    notices = [s.code for s in PROCEDURES[FOUR_TWO].steps if s.notice]
    assert notices == ["resolution_public", "result_public"]


def test_consultation_template_is_the_topic_table_itself() -> None:
    assert PROCEDURES["consultation"].transitions is rules.TOPIC_TRANSITIONS
    assert not PROCEDURES["consultation"].ordered
    with pytest.raises(RuleViolation):
        procedures.next_procedure_step("consultation", [])


def test_hearing_announces_then_registers_holds_records_and_publishes() -> None:
    assert list(PROCEDURES[HEARING].codes) == ["announce", "register", "hold", "opinions",
                                               "publish"]


def test_next_step_walks_the_table() -> None:
    done: list[str] = []
    for code in FOUR_TWO_ORDER:
        step = procedures.next_procedure_step(FOUR_TWO, done)
        assert step is not None and step.code == code
        done.append(code)
    assert procedures.next_procedure_step(FOUR_TWO, done) is None


def test_skipping_the_two_committees_is_refused_naming_the_rule_and_clause() -> None:
    with pytest.raises(RuleViolation) as e:
        procedures.check_procedure_step(FOUR_TWO, ["party_proposes"], "representatives_resolve")
    assert e.value.rule == "step_order"
    assert e.value.clause == "004 第一篇 四.2"
    assert "步骤不能跳过" in e.value.message


def test_a_step_recorded_twice_is_refused() -> None:
    with pytest.raises(RuleViolation) as e:
        procedures.check_procedure_step(FOUR_TWO, ["party_proposes"], "party_proposes")
    assert e.value.rule == "step_order"


def test_a_failed_resolution_ends_the_procedure() -> None:
    done = [Done(c) for c in FOUR_TWO_ORDER[:3]] + [Done("representatives_resolve", False)]
    assert procedures.next_procedure_step(FOUR_TWO, done) is None
    with pytest.raises(RuleViolation) as e:
        procedures.check_procedure_step(FOUR_TWO, done, "resolution_public")
    assert e.value.rule == "resolution_failed"


def test_a_failed_hearing_count_does_not_end_the_hearing() -> None:
    done = [Done("announce"), Done("register"), Done("hold"), Done("opinions", False)]
    step = procedures.next_procedure_step(HEARING, done)
    assert step is not None and step.code == "publish"


def test_unknown_step_is_refused() -> None:
    with pytest.raises(RuleViolation) as e:
        procedures.check_procedure_step(FOUR_TWO, [], "vote_by_magic")
    assert e.value.rule == "procedure"


# --- Votes of the representatives' meeting (村民委员会组织法 第二十六条) ---------------------


def _count(yes: int, no: int, abstain: int, present: int, reps: int) -> procedures.VoteCount:
    result = procedures.count_vote(procedures.REPRESENTATIVES_VOTE, yes=yes, no=no,
                                   abstain=abstain, present=present, representatives=reps)
    assert result is not None
    return result


def test_representatives_sit_with_two_thirds_present_including_two_thirds_itself() -> None:
    assert _count(4, 1, 1, 6, 9).passed  # 6 of 9 is exactly 2/3: 以上 includes it
    with pytest.raises(RuleViolation) as e:
        _count(4, 1, 0, 5, 9)
    assert e.value.rule == "quorum"
    assert e.value.clause == procedures.CLAUSE_REPRESENTATIVES_LAW


def test_resolution_needs_more_than_half_of_those_present() -> None:
    assert not _count(3, 2, 1, 6, 9).passed  # 3 of 6 is half, not more than half
    assert _count(4, 2, 0, 6, 9).passed


def test_no_representatives_on_the_register_never_sits() -> None:
    with pytest.raises(RuleViolation) as e:
        _count(0, 0, 0, 0, 0)
    assert e.value.rule == "quorum"


def test_more_present_than_on_the_register_is_refused() -> None:
    with pytest.raises(RuleViolation) as e:
        _count(5, 0, 0, 10, 9)
    assert e.value.rule == "votes_exceed_present"


def test_the_resolution_needs_its_counts_but_the_hearing_may_leave_them_out() -> None:
    with pytest.raises(RuleViolation):
        procedures.count_vote(procedures.REPRESENTATIVES_VOTE, yes=None, no=None, abstain=None,
                              present=None, representatives=9)
    assert procedures.count_vote(procedures.HEARING_VOTE, yes=None, no=None, abstain=None,
                                 present=None, representatives=9) is None
    with pytest.raises(RuleViolation):
        procedures.count_vote(procedures.HEARING_VOTE, yes=1, no=None, abstain=None,
                              present=None, representatives=9)


# --- Properties -----------------------------------------------------------------------------

codes = st.sampled_from(FOUR_TWO_ORDER + ["announce", "nonsense"])


@given(attempts=st.lists(st.tuples(codes, st.booleans()), max_size=20))
def test_random_attempts_never_record_a_step_out_of_order(
        attempts: list[tuple[str, bool]]) -> None:
    """Whatever is attempted, what gets recorded is a prefix of the template's order."""
    done: list[Done] = []
    for code, passes in attempts:
        try:
            step = procedures.check_procedure_step(FOUR_TWO, done, code)
        except RuleViolation as e:
            assert e.rule in {"step_order", "procedure", "resolution_failed"}
            continue
        done.append(Done(step.code, passes if step.vote is not None else None))
        assert [d.code for d in done] == FOUR_TWO_ORDER[: len(done)]
    # A step after a failed resolution is never recorded.
    codes_done = [d.code for d in done]
    if "representatives_resolve" in codes_done:
        resolve = done[codes_done.index("representatives_resolve")]
        if resolve.passed is False:
            assert codes_done[-1] == "representatives_resolve"


@given(yes=st.integers(0, 40), no=st.integers(0, 40), abstain=st.integers(0, 40),
       extra=st.integers(0, 40), reps=st.integers(0, 60))
def test_a_recorded_resolution_always_had_its_quorum_and_majority(
        yes: int, no: int, abstain: int, extra: int, reps: int) -> None:
    present = yes + no + abstain + extra
    try:
        result = _count(yes, no, abstain, present, reps)
    except RuleViolation:
        assert reps == 0 or present > reps or 3 * present < 2 * reps
        return
    assert 3 * present >= 2 * reps > 0
    assert result.passed == (2 * yes > present)
