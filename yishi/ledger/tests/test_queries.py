"""The dashboards and the ledger page cost the same number of queries at any size of city:
every figure is one GROUP BY in the database."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from yishi.consult.models import Topic
from yishi.intake.models import Opinion
from yishi.ledger.generator import CITY_NAME, Sizes, generate
from yishi.ledger.management.commands.bench import _bench_user
from yishi.places.models import Place, PlaceKind

pytestmark = pytest.mark.django_db

SMALL = Sizes(communities=4, opinions=40, topics=12, years=1, batch=100)
LARGER = Sizes(communities=40, opinions=1200, topics=300, years=2, batch=500)

# The ceilings: session, user, the header's person and notifications, the user's roles, the
# place, then one query per figure (7 on a dashboard, 13 on a ledger page); the same for both
# sizes, with a little room for the header growing.
MAX_QUERIES = {"city": 18, "street": 18, "ledger": 22, "csv": 16}


@pytest.mark.parametrize("sizes", [SMALL, LARGER], ids=["small", "larger"])
def test_the_pages_cost_the_same_queries_at_two_sizes(
        sizes: Sizes, django_assert_max_num_queries: Any) -> None:
    generate(sizes)
    city = Place.objects.get(name=CITY_NAME, parent__isnull=True)
    street = Place.objects.filter(kind=PlaceKind.STREET).first()
    community = Topic.objects.values_list("community", flat=True).first()
    assert street is not None and community is not None
    assert Opinion.objects.count() == sizes.opinions
    year = timezone.localdate().year
    client = Client()
    client.force_login(_bench_user(city))

    urls = {
        "city": f"/ledger/places/{city.pk}/?year={year}",
        "street": f"/ledger/places/{street.pk}/?year={year}",
        "ledger": f"/ledger/communities/{community}/{year}/",
        "csv": f"/ledger/places/{city.pk}/dashboard.csv?year={year}",
    }
    for name, url in urls.items():
        with django_assert_max_num_queries(MAX_QUERIES[name]):
            assert client.get(url).status_code == 200, url
