"""在10个工作日内 (000 §(二)(5)): no body or community is given more than ten working days to
answer an entrusted topic; fewer is allowed. Refused in the admin with the clause in words."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from yishi.conftest import verify_second_factor
from yishi.core.clauses import in_words
from yishi.core.exceptions import RuleViolation
from yishi.followup import rules
from yishi.followup.models import FollowupSettings
from yishi.places.tests.factories import UserFactory


@given(st.integers(-5, 40))
def test_one_to_ten_working_days_and_nothing_else(days) -> None:
    try:
        rules.check_answer_days_ceiling(days)
    except RuleViolation as e:
        assert not 1 <= days <= 10 and e.rule == "answer_days_ceiling" and e.clause == rules.CLAUSE
    else:
        assert 1 <= days <= 10


@pytest.mark.django_db
def test_the_admin_refuses_fifteen_days_with_the_clause_and_takes_eight(client, tree) -> None:
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    verify_second_factor(client, root)
    url = reverse("admin:followup_followupsettings_add")
    response = client.post(url, {"place": tree["a"].pk, "answer_days": 15})
    assert response.status_code == 200 and not FollowupSettings.objects.exists()
    assert in_words(rules.CLAUSE) in response.content.decode()
    client.post(url, {"place": tree["a"].pk, "answer_days": 8})
    assert FollowupSettings.objects.get().answer_days == 8


@pytest.mark.django_db
def test_the_table_refuses_more_than_ten_too(tree) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowupSettings.objects.create(place=tree["a"], answer_days=11)
