"""000 §(二)(6): 每个村(社区)全年开展协商活动不少于4次 — "not fewer than 4" includes 4."""

from __future__ import annotations

import statistics
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yishi.ledger import rules


def test_four_consultations_meet_the_default_minimum_and_three_do_not() -> None:
    assert rules.DEFAULT_MINIMUM_CONSULTATIONS == 4
    assert rules.minimum_met(4)
    assert not rules.minimum_met(3)
    assert rules.shortfall(3) == 1
    assert rules.shortfall(4) == 0


@given(st.integers(0, 1000), st.integers(1, 100))
def test_the_minimum_is_met_exactly_when_the_count_reaches_it(n: int, minimum: int) -> None:
    assert rules.minimum_met(n, minimum) == (n >= minimum)
    assert rules.minimum_met(n, minimum) == (rules.shortfall(n, minimum) == 0)
    assert rules.shortfall(n, minimum) == max(0, minimum - n)


@given(st.integers(0, 1000), st.integers(1, 100))
def test_one_more_consultation_never_breaks_the_minimum(n: int, minimum: int) -> None:
    if rules.minimum_met(n, minimum):
        assert rules.minimum_met(n + 1, minimum)


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError):
        rules.minimum_met(-1)


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 50)), max_size=30))
def test_the_median_from_day_counts_is_the_median_of_the_days(pairs: list[tuple[int, int]]) -> None:
    merged: dict[int, int] = {}
    for v, n in pairs:
        merged[v] = merged.get(v, 0) + n
    values = [v for v, n in merged.items() for _ in range(n)]
    expected = statistics.median(values) if values else None
    assert rules.median_from_histogram(merged.items()) == expected


def test_share_of_an_empty_whole_is_none_not_zero() -> None:
    assert rules.share(0, 0) is None
    assert rules.share(3, 4) == 0.75


@pytest.mark.parametrize("year,ok", [(1999, False), (2000, True), (2027, True), (2028, False)])
def test_ledger_years_run_from_2000_to_next_year(year: int, ok: bool) -> None:
    assert rules.valid_year(year, date(2026, 11, 25)) is ok
