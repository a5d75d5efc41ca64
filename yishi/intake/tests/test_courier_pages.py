"""民情专递员 through the pages: a courier records an opinion for a resident of any community
they serve, found by mobile or ID number; the opinion goes to the resident's community."""

from __future__ import annotations

from datetime import date

import pytest

from yishi.core.models import AuditEvent
from yishi.intake.models import Opinion
from yishi.places.models import Role, RoleKind

pytestmark = pytest.mark.django_db

URL = "/intake/opinions/new/?for=resident"


def _post(client, resident, place):  # type: ignore[no-untyped-def]
    return client.post(URL, {"resident": resident.personal.phone, "place": place.pk,
                             "title": "井盖松动", "text": "路口井盖松动，晚上看不见。",
                             "category": "traffic"})


@pytest.fixture
def two_communities(people, tree):  # type: ignore[no-untyped-def]
    """courier_a also serves village B (a second appointment)."""
    Role.objects.create(person=people["courier_a"], place=tree["b"], kind=RoleKind.COURIER,
                        start=date(2020, 1, 1))
    return people["courier_a"]


def test_a_courier_serving_two_communities_records_for_a_resident_of_either(
        client, people, tree, two_communities) -> None:
    client.force_login(two_communities.user)
    page = client.get(URL).content.decode()
    assert tree["a"].name in page and tree["b"].name in page
    assert f'value="{tree["b_group"].pk}"' in page and f'value="{tree["a_group"].pk}"' in page

    for who, place, community in (("resident_b", tree["b_group"], tree["b"]),
                                  ("resident_a", tree["a_group"], tree["a"])):
        response = _post(client, people[who], place)
        assert response.status_code == 302
        opinion = Opinion.objects.get(raised_by=people[who])
        assert (opinion.community, opinion.place, opinion.recorded_by) == (
            community, place, two_communities)


def test_a_courier_of_one_community_finds_no_resident_of_another(client, people, tree) -> None:
    client.force_login(people["courier_a"].user)
    before = AuditEvent.objects.count()
    response = _post(client, people["resident_b"], tree["a"])
    assert response.status_code == 400 and response.context["form"].non_field_errors()
    assert not Opinion.objects.exists() and AuditEvent.objects.count() == before


def test_the_place_must_lie_in_the_residents_community(client, people, tree,
                                                       two_communities) -> None:
    client.force_login(two_communities.user)
    response = _post(client, people["resident_a"], tree["b_group"])
    assert response.status_code == 400 and response.context["form"].non_field_errors()
    assert not Opinion.objects.exists()


def test_someone_who_is_no_courier_gets_404(client, people) -> None:
    client.force_login(people["resident_a"].user)
    assert client.get(URL).status_code == 404
