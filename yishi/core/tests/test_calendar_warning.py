from datetime import date

import pytest
from django.utils import timezone, translation

from yishi.core.apps import check_calendar_coverage
from yishi.core.models import CalendarYear
from yishi.core.workdays import calendar_update_message


@pytest.mark.django_db
def test_the_admin_is_told_which_year_needs_the_state_council_schedule():
    with translation.override("en"):
        assert "2027" in calendar_update_message(date(2026, 11, 25))
        expected = ["yishi.W001"] if calendar_update_message(timezone.localdate()) else []
        assert [w.id for w in check_calendar_coverage()] == expected


@pytest.mark.django_db
def test_no_warning_once_the_year_is_entered_by_hand():
    CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕X号")
    assert calendar_update_message(date(2026, 11, 25)) == ""


@pytest.mark.django_db
def test_no_warning_for_years_the_package_covers():
    assert calendar_update_message(date(2025, 3, 1)) == ""
