"""Overdue disclosures: the rule decides; the schedule page shows what it says."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from yishi.disclosure.rules import disclosure_overdue


@given(st.booleans(), st.dates(), st.dates())
def test_a_disclosure_is_overdue_only_unpublished_after_its_due_day(
        published: bool, due: date, today: date) -> None:
    assert disclosure_overdue(published=published, due_on=due, today=today) == (
        not published and today > due)


@pytest.mark.django_db
def test_the_schedule_marks_the_items_the_rule_says_are_overdue(client, tree, people) -> None:
    client.force_login(people["staff_a"].user)
    url = f"/disclosure/{tree['a'].pk}/schedule/"
    year = timezone.localdate().year
    assert client.post(url, {"year": str(year)}).status_code == 302
    response = client.get(url, {"year": str(year)})
    items, today = response.context["items"], timezone.localdate()
    assert items and all(
        i.overdue == disclosure_overdue(published=i.notice_id is not None, due_on=i.due_on,
                                        today=today) for i in items)
    assert response.content.decode().count("is-overdue") == sum(i.overdue for i in items)
