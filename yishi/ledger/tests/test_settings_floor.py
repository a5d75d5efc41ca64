"""每个村(社区)全年开展协商活动不少于4次 (000 §(二)(6)): no community's yearly target below
four; a higher one is allowed. Refused in the admin with the clause in words."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from yishi.conftest import verify_second_factor
from yishi.core.clauses import in_words
from yishi.core.exceptions import RuleViolation
from yishi.ledger import rules
from yishi.ledger.models import LedgerSettings
from yishi.places.tests.factories import UserFactory


@given(st.integers(-3, 30))
def test_four_or_more(n) -> None:
    try:
        rules.check_minimum_floor(n)
    except RuleViolation as e:
        assert n < 4 and e.rule == "minimum_floor" and e.clause == rules.CLAUSE_MINIMUM
    else:
        assert n >= 4


@pytest.mark.django_db
def test_the_admin_refuses_three_with_the_clause_and_takes_six(client, tree) -> None:
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    verify_second_factor(client, root)
    url = reverse("admin:ledger_ledgersettings_add")
    cadences = {"min_councils": 1, "min_representatives": 1, "min_residents": 1}
    response = client.post(url, {"community": tree["a"].pk, "min_consultations": 3, **cadences})
    assert response.status_code == 200 and not LedgerSettings.objects.exists()
    assert in_words(rules.CLAUSE_MINIMUM) in response.content.decode()
    client.post(url, {"community": tree["a"].pk, "min_consultations": 6, **cadences})
    assert LedgerSettings.objects.get().min_consultations == 6


@pytest.mark.django_db
def test_the_table_refuses_below_four_too(tree) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerSettings.objects.create(community=tree["a"], min_consultations=2)
