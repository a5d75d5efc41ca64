"""Sequential numbers per scope and year (一事一记)."""

from __future__ import annotations

import pytest

from yishi.core.numbering import next_number, raise_to

pytestmark = pytest.mark.django_db


def test_numbers_start_at_one_and_follow_each_other():
    assert [next_number("opinion:1", 2026) for _ in range(4)] == [1, 2, 3, 4]


def test_each_scope_and_year_counts_on_its_own():
    assert next_number("opinion:1", 2026) == 1
    assert next_number("opinion:2", 2026) == 1
    assert next_number("opinion:1", 2027) == 1
    assert next_number("opinion:1", 2026) == 2


def test_numbers_written_by_a_bulk_load_are_followed_not_repeated():
    assert next_number("opinion:1", 2026) == 1
    raise_to({("opinion:1", 2026): 40, ("opinion:2", 2026): 7, ("opinion:1", 2025): 3})
    assert next_number("opinion:1", 2026) == 41
    assert next_number("opinion:2", 2026) == 8
    assert next_number("opinion:1", 2025) == 4


def test_raising_a_counter_never_moves_it_back():
    for _ in range(5):
        next_number("opinion:1", 2026)
    raise_to({("opinion:1", 2026): 2})
    assert next_number("opinion:1", 2026) == 6
