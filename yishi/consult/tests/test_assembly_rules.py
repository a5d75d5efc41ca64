"""assembly_quorum_met: who may open a villagers', residents' or representatives' meeting."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yishi.consult.rules import (
    ASSEMBLY_QUORUMS,
    assembly_quorum_met,
    missing_for_assembly,
    needed_for_assembly,
)

KINDS = sorted(ASSEMBLY_QUORUMS)


@pytest.mark.parametrize(("kind", "eligible", "present", "met"), [
    ("villagers", 100, 50, False),  # 过半数: half is not more than half
    ("villagers", 100, 51, True),
    ("residents", 7, 4, True),
    ("residents", 8, 4, False),
    ("villager_households", 9, 6, True),  # 三分之二以上: two thirds itself
    ("villager_households", 9, 5, False),
    ("representatives", 30, 20, True),
    ("representatives", 30, 19, False),
    ("representatives", 31, 21, True),  # 2/3 × 31 = 20 2/3
    ("representatives", 31, 20, False),
])
def test_assembly_quorum_at_the_boundaries(kind: str, eligible: int, present: int,
                                           met: bool) -> None:
    assert assembly_quorum_met(kind=kind, eligible=eligible, present=present) is met


@pytest.mark.parametrize("kind", KINDS)
def test_no_one_eligible_never_opens(kind: str) -> None:
    assert assembly_quorum_met(kind=kind, eligible=0, present=0) is False
    assert assembly_quorum_met(kind=kind, eligible=0, present=5) is False
    assert missing_for_assembly(kind=kind, eligible=0, present=0) is None


def test_unknown_kinds_and_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        assembly_quorum_met(kind="parliament", eligible=10, present=10)
    with pytest.raises(ValueError):
        assembly_quorum_met(kind="villagers", eligible=10, present=-1)
    with pytest.raises(TypeError):
        assembly_quorum_met(kind="villagers", eligible=10, present=5.5)  # type: ignore[arg-type]


@given(kind=st.sampled_from(KINDS), eligible=st.integers(0, 10_000),
       present=st.integers(0, 10_000))
def test_quorum_matches_the_exact_fraction(kind: str, eligible: int, present: int) -> None:
    share, strict, _clause = ASSEMBLY_QUORUMS[kind]
    ratio_ok = eligible > 0 and (Fraction(present, eligible) > share if strict
                                 else Fraction(present, eligible) >= share)
    assert assembly_quorum_met(kind=kind, eligible=eligible, present=present) is ratio_ok


@given(kind=st.sampled_from(KINDS), eligible=st.integers(1, 10_000),
       present=st.integers(0, 10_000))
def test_missing_says_how_many_more_make_it_possible(kind: str, eligible: int,
                                                     present: int) -> None:
    missing = missing_for_assembly(kind=kind, eligible=eligible, present=present)
    assert missing is not None
    assert assembly_quorum_met(kind=kind, eligible=eligible, present=present + missing)
    if missing > 0:
        assert not assembly_quorum_met(kind=kind, eligible=eligible,
                                       present=present + missing - 1)


@given(kind=st.sampled_from(KINDS), eligible=st.integers(1, 10_000))
def test_everyone_present_opens_and_more_never_closes(kind: str, eligible: int) -> None:
    needed = needed_for_assembly(kind=kind, eligible=eligible)
    assert needed is not None and 1 <= needed <= eligible
    assert assembly_quorum_met(kind=kind, eligible=eligible, present=eligible)
