"""A signed-out visitor lands on a public page, not a bare login form: what Yishi is, the
way in, and the board of their community."""

from __future__ import annotations

import pytest
from django.test import Client

from yishi.disclosure.tests.factories import notice
from yishi.places.models import Place, PlaceKind
from yishi.places.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_visitor_sees_what_yishi_is_and_the_way_in(client: Client, tree) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "社区" in html and "协商" in html
    assert 'href="/login/"' in html and 'data-testid="welcome-sign-in"' in html
    # Two communities: the chooser of boards, by street.
    assert 'data-testid="welcome-chooser"' in html
    assert "和平街道" in html and "幸福社区" in html and "桃园村" in html


def test_the_board_a_visitor_opened_is_on_their_welcome_page(client: Client, tree) -> None:  # type: ignore[no-untyped-def]
    notice(tree["a"], title="关于加装电梯的公示", days_ago=1)
    notice(tree["b"], title="桃园村的公示", days_ago=1)
    client.get(f"/public/{tree['a'].pk}/")
    assert client.cookies["yishi_board"].value == str(tree["a"].pk)
    html = client.get("/").content.decode()
    assert 'data-testid="welcome-board"' in html and "幸福社区" in html
    assert "关于加装电梯的公示" in html and "桃园村的公示" not in html
    assert f'href="/public/{tree["a"].pk}/"' in html


@pytest.mark.parametrize("cookie", ["abc", "0", "-1", "99999999", "%EF%BC%91", "9" * 40, "street"])
def test_a_cookie_of_no_board_shows_the_chooser(client: Client, tree, cookie: str) -> None:  # type: ignore[no-untyped-def]
    client.cookies["yishi_board"] = str(tree["street"].pk) if cookie == "street" else cookie
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="welcome-board"' not in html and 'data-testid="welcome-chooser"' in html


def test_a_single_community_site_shows_its_own_board(client: Client) -> None:
    street = Place.objects.create(name="和平街道", kind=PlaceKind.STREET)
    only = Place.objects.create(name="唯一社区", kind=PlaceKind.COMMUNITY, parent=street)
    notice(only, title="唯一社区的公示")
    html = client.get("/").content.decode()
    assert "唯一社区的公示" in html and 'data-testid="welcome-board"' in html


def test_a_city_links_to_its_index_instead_of_one_long_list(client: Client, tree, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from yishi.portal import views

    monkeypatch.setattr(views, "WELCOME_CHOOSER_LIMIT", 1)
    html = client.get("/").content.decode()
    assert 'data-testid="welcome-chooser"' not in html and 'data-testid="welcome-index"' in html
    assert 'href="/public/"' in html


def test_the_welcome_page_costs_the_same_queries_for_a_small_or_a_large_board(
        client: Client, tree, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client.cookies["yishi_board"] = str(tree["a"].pk)
    notice(tree["a"])
    with django_assert_max_num_queries(3) as small:  # the count, the board, its notices
        client.get("/")
    for _ in range(20):
        notice(tree["a"])
    with django_assert_max_num_queries(3) as large:
        client.get("/")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_a_signed_in_resident_still_lands_on_their_home(client: Client, people) -> None:  # type: ignore[no-untyped-def]
    assert client.login(username="resident_a", password=PASSWORD)
    html = client.get("/").content.decode()
    assert 'data-testid="welcome"' not in html and "王小明" in html


def test_the_brand_shows_once_and_the_site_has_an_icon(client: Client, tree) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/").content.decode()
    brand = html[html.index('class="brand"'):html.index("</a>", html.index('class="brand"'))]
    assert brand.count("议事") == 1
    assert 'rel="icon"' in html and "favicon.svg" in html
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301 and icon["Location"].endswith("favicon.svg")
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()
    assert "Yishi <small>议事</small>" in english
