"""A community may ask for more meetings on the calendar than the clause, never fewer: the
admin refuses a setting below the floor with the clause in words, and so does the table."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from yishi.conftest import verify_second_factor
from yishi.core.clauses import in_words
from yishi.ledger import cadence
from yishi.ledger.models import LedgerSettings
from yishi.places.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _admin(client):  # type: ignore[no-untyped-def]
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    verify_second_factor(client, root)
    return reverse("admin:ledger_ledgersettings_add")


@pytest.mark.parametrize("key", list(cadence.CADENCES))
def test_the_admin_refuses_below_the_floor_with_the_clause(client, tree, key) -> None:
    c = cadence.CADENCES[key]
    url = _admin(client)
    data = {"community": tree["a"].pk, "min_consultations": 4, "min_councils": 1,
            "min_representatives": 1, "min_residents": 1, c.setting: 0}
    response = client.post(url, data)
    assert response.status_code == 200 and not LedgerSettings.objects.exists()
    assert in_words(c.clause) in response.content.decode()


def test_the_admin_takes_a_higher_number(client, tree) -> None:
    url = _admin(client)
    response = client.post(url, {"community": tree["a"].pk, "min_consultations": 4,
                                 "min_councils": 2, "min_representatives": 1,
                                 "min_residents": 3})
    assert response.status_code == 302
    s = LedgerSettings.objects.get()
    assert (s.min_councils, s.min_residents) == (2, 3)
    assert s.cadence_minimum(cadence.CADENCES["council"]) == 2


@pytest.mark.parametrize("key", list(cadence.CADENCES))
def test_the_table_refuses_below_the_floor_too(tree, key) -> None:
    setting = cadence.CADENCES[key].setting
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerSettings.objects.create(community=tree["a"], **{setting: 0})
