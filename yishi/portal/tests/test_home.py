"""The home page: what a resident and a member of staff see, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yishi.consult.models import Topic, TopicSource
from yishi.intake.models import JointProposal
from yishi.intake.rules import ProposalState
from yishi.intake.tests.helpers import raise_as
from yishi.places.tests.factories import PASSWORD

# Session, user with person; opinions, proposals, community, open proposals, topics;
# the person's roles today (the staff check and the nav bar's answering-body lookup
# alike); then the nav bar's unread count.
RESIDENT_QUERIES = 9
# Session, user with person; opinions, proposals; the roles and the two counts of the
# work queue; then the nav bar's unread count.
STAFF_QUERIES = 8


def login(client: Client, person: Any) -> Client:
    client.logout()
    assert client.login(username=person.user.username, password=PASSWORD)
    return client


def fill_community_a(people: dict[str, Any], tree: dict[str, Any], n: int) -> None:
    me = people["resident_a"]
    for i in range(n):
        raise_as(me, title=f"路灯{i}")
        JointProposal.objects.create(
            community=tree["a"], proposer=me, title=f"加装电梯{i}", text="老旧小区加装电梯",
            category="property", state=ProposalState.OPEN,
            closes_on=timezone.localdate() + timedelta(days=10),
        )
        Topic.objects.create(community=tree["a"], title=f"议题{i}", text="停车位分配",
                             category="property", source=TopicSource.JOINT_PROPOSAL)


@pytest.mark.django_db
def test_a_resident_sees_their_opinions_proposals_and_community_topics(
    client: Client, people: dict[str, Any], tree: dict[str, Any]
) -> None:
    fill_community_a(people, tree, 1)
    page = login(client, people["resident_a"]).get(reverse("home")).content.decode()
    assert "路灯0" in page and "加装电梯0" in page and "议题0" in page
    # Another community's resident sees none of it.
    page = login(client, people["resident_b"]).get(reverse("home")).content.decode()
    assert "路灯0" not in page and "加装电梯0" not in page and "议题0" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 5])
def test_the_home_page_costs_the_same_queries_however_much_is_on_it(
    client: Client, people: dict[str, Any], tree: dict[str, Any], rows: int,
    django_assert_num_queries: Any,
) -> None:
    fill_community_a(people, tree, rows)
    login(client, people["resident_a"])
    with django_assert_num_queries(RESIDENT_QUERIES):
        assert client.get(reverse("home")).status_code == 200
    login(client, people["staff_a"])
    with django_assert_num_queries(STAFF_QUERIES):
        page = client.get(reverse("home")).content.decode()
    assert 'data-testid="home-board"' in page


def test_the_home_page_keeps_its_name_and_path() -> None:
    assert reverse("home") == "/"


@pytest.mark.django_db
def test_a_visitor_is_welcomed_and_a_signed_in_page_sends_them_to_sign_in(
        client: Client) -> None:
    response = client.get(reverse("home"))  # the welcome page (test_welcome.py)
    assert response.status_code == 200 and reverse("login") in response.content.decode()
    response = client.get(reverse("notifications"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_a_township_and_a_city_official_find_their_dashboards_and_the_ledgers_at_home(
    client: Client, people: dict[str, Any], tree: dict[str, Any]
) -> None:
    from yishi.places.models import RoleKind
    from yishi.places.tests.factories import staff

    city_official = staff(tree["city"], username="city", kind=RoleKind.CITY)
    for person, place in ((people["township"], tree["street"]), (city_official, tree["city"])):
        page = login(client, person).get(reverse("home")).content.decode()
        assert 'data-testid="home-oversight"' in page
        dashboard = reverse("ledger:dashboard", args=[place.pk])
        assert f'href="{dashboard}" data-testid="home-dashboard"' in page
        assert f"{place.name}统计概览" in page
        assert f'href="{reverse("ledger:index")}" data-testid="home-ledgers"' in page
        assert client.get(dashboard).status_code == 200  # the card leads to a page they may open
        assert client.get(reverse("ledger:index")).status_code == 200
    # A community's staff and a resident are not shown them.
    for who in ("staff_a", "resident_a"):
        page = login(client, people[who]).get(reverse("home")).content.decode()
        assert 'data-testid="home-oversight"' not in page
