"""三务公开's required contents, the supervisory review's state and the monthly finance
cadence as pure rules (004 第一篇 四.4)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yishi.disclosure import rules

SCHEDULED = ["party", "government", "village", "finance"]


def test_village_affairs_and_finances_carry_the_seed_lists():
    village = {line.code for line in rules.required_contents("village", is_village=True)}
    assert {"land", "one_matter", "relief"} <= village
    finance = {line.code for line in rules.required_contents("finance", is_village=True)}
    assert {"financial_plan", "income_expense", "collective_assets"} <= finance
    party = {line.code for line in rules.required_contents("party", is_village=True)}
    assert {"dues", "members"} <= party
    # An urban community discloses 居务 (004 第五篇): no land compensation to tick.
    urban = {line.code for line in rules.required_contents("village", is_village=False)}
    assert "land" not in urban and "major_matters" in urban


@pytest.mark.parametrize("kind", ["phased", "immediate", "", "other"])
def test_phased_and_temporary_work_have_no_checklist(kind):
    assert rules.required_contents(kind, is_village=True) == ()
    assert rules.missing_contents(kind, is_village=True, covered=frozenset()) == []


@given(kind=st.sampled_from(SCHEDULED), village=st.booleans(), data=st.data())
def test_missing_is_the_checklist_minus_what_is_covered_in_order(kind, village, data):
    lines = rules.required_contents(kind, is_village=village)
    codes = [line.code for line in lines]
    assert len(codes) == len(set(codes))
    covered = set(data.draw(st.lists(st.sampled_from(codes + ["unknown"]))))
    missing = rules.missing_contents(kind, is_village=village, covered=covered)
    assert [m.code for m in missing] == [c for c in codes if c not in covered]
    refusal = rules.publication_refusal(missing=missing, review=rules.REVIEW_APPROVED)
    assert (refusal is None) == (not missing)
    if refusal is not None:
        assert refusal[0] == "contents"


@given(decision=st.sampled_from([None, "approve", "return"]),
       reviewed=st.integers(0, 5), revision=st.integers(0, 5))
def test_only_an_approval_of_the_contents_as_they_stand_lets_it_publish(
        decision, reviewed, revision):
    state = rules.review_state(decision=decision, reviewed_revision=reviewed, revision=revision)
    refusal = rules.publication_refusal(missing=[], review=state, reason="金额不符")
    assert (refusal is None) == (decision == "approve" and reviewed == revision)
    if refusal is not None:
        assert refusal[0] == "review"


def test_a_returned_disclosure_says_the_reason():
    refusal = rules.publication_refusal(missing=[], review=rules.REVIEW_RETURNED,
                                        reason="缺少低保名单")
    assert refusal is not None and "缺少低保名单" in refusal[1]


@given(year=st.integers(min_value=2000, max_value=2100))
def test_monthly_finances_report_each_month_by_the_twentieth_of_the_next(year):
    schedule = rules.schedule_for_year("finance", year, finance_cadence="monthly")
    assert [d for d, _p in schedule] == [date(year, m, 20) for m in range(1, 13)]
    for due, period in schedule:
        assert period.end == due.replace(day=1) - timedelta(days=1)
        assert period.start == period.end.replace(day=1)
        assert rules.period_from_code(period.code) == period
    # Twelve months without a gap: December of the year before to November.
    starts = [p.start for _d, p in schedule]
    assert starts[0] == date(year - 1, 12, 1) and starts[-1] == date(year, 11, 1)


def test_quarterly_stays_the_default_and_other_kinds_ignore_the_cadence():
    assert len(rules.schedule_for_year("finance", 2026)) == 4
    assert (rules.schedule_for_year("village", 2026, finance_cadence="monthly")
            == rules.schedule_for_year("village", 2026))


@pytest.mark.parametrize("cadence", ["half-yearly", "yearly", "", "Monthly"])
def test_a_cadence_below_quarterly_is_refused(cadence):
    assert rules.check_finance_cadence(cadence)
    assert rules.check_finance_cadence("quarterly") is None
    assert rules.check_finance_cadence("monthly") is None
