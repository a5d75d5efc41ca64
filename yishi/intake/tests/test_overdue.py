"""Overdue opinions: the rule decides, the lists and the opinion page show what it says."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from yishi.intake import services
from yishi.intake.models import Opinion
from yishi.intake.rules import OPEN_OPINION_STATES, OPINION_STATES, opinion_overdue

from .helpers import raise_as


@given(st.sampled_from(sorted(OPINION_STATES)), st.dates(), st.dates())
def test_an_opinion_is_overdue_only_while_open_and_after_its_due_day(
        state: str, due: date, today: date) -> None:
    assert opinion_overdue(state, due, today) == (state in OPEN_OPINION_STATES and today > due)


@pytest.fixture
def late_and_due(people, tree):  # type: ignore[no-untyped-def]
    """Two open opinions of resident_a: one past its due day, one due today."""
    today = timezone.localdate()
    late = raise_as(people["resident_a"], title="逾期的井盖")
    due = raise_as(people["resident_a"], title="今天到期的路灯")
    Opinion.objects.filter(pk=late.pk).update(due_date=today - timedelta(days=1))
    Opinion.objects.filter(pk=due.pk).update(due_date=today)
    return Opinion.objects.get(pk=late.pk), Opinion.objects.get(pk=due.pk)


def _rows(page: str) -> list[str]:
    return [chunk for chunk in page.split('<li class="row')[1:]]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "url"), [("staff_a", "/intake/queue/"),
                                          ("resident_a", "/intake/opinions/mine/")])
def test_the_lists_mark_what_the_rule_says_is_overdue(client, people, late_and_due, who,
                                                      url) -> None:
    late, due = late_and_due
    client.force_login(people[who].user)
    rows = _rows(client.get(url).content.decode())
    [late_row] = [r for r in rows if late.title in r]
    [due_row] = [r for r in rows if due.title in r]
    assert late_row.startswith(" is-overdue") and 'class="overdue"' in late_row
    assert not due_row.startswith(" is-overdue") and 'class="overdue"' not in due_row


@pytest.mark.django_db
def test_the_opinion_page_says_overdue_until_it_is_answered(client, people, late_and_due) -> None:
    late, due = late_and_due
    client.force_login(people["staff_a"].user)
    assert 'class="overdue"' in client.get(f"/intake/opinions/{late.pk}/").content.decode()
    assert 'class="overdue"' not in client.get(f"/intake/opinions/{due.pk}/").content.decode()
    services.acknowledge_opinion(actor=people["staff_a"].user, opinion=late)
    services.answer_opinion(actor=people["staff_a"].user, opinion=late, answer="已修好。")
    assert 'class="overdue"' not in client.get(f"/intake/opinions/{late.pk}/").content.decode()
