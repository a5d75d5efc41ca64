"""Sequential numbers per scope and year (一事一记)."""

from __future__ import annotations

import pytest

from yishi.core.numbering import next_number

pytestmark = pytest.mark.django_db


def test_numbers_start_at_one_and_follow_each_other():
    assert [next_number("opinion:1", 2026) for _ in range(4)] == [1, 2, 3, 4]


def test_each_scope_and_year_counts_on_its_own():
    assert next_number("opinion:1", 2026) == 1
    assert next_number("opinion:2", 2026) == 1
    assert next_number("opinion:1", 2027) == 1
    assert next_number("opinion:1", 2026) == 2
