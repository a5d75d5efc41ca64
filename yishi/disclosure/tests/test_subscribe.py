"""订阅: a resident tapping 订阅 on a board lands on a page that says in plain words what a
feed is and how to follow it, with its address to copy, not on the feed's raw XML."""

from __future__ import annotations

import pytest
from django.test import Client

from yishi.disclosure.tests.factories import notice

pytestmark = pytest.mark.django_db


def test_the_board_links_to_the_explanation_not_to_the_raw_feed(client: Client, tree) -> None:  # type: ignore[no-untyped-def]
    html = client.get(f"/public/{tree['a'].pk}/").content.decode()
    assert f'href="/public/{tree["a"].pk}/subscribe/" data-testid="board-subscribe">订阅<' in html
    assert f'href="/public/{tree["a"].pk}/feed/"' not in html


def test_the_explanation_names_the_feed_address_and_how_to_use_it(
        client: Client, tree, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    n = notice(tree["a"], title="关于加装电梯的公示")
    with django_assert_max_num_queries(2):
        response = client.get(f"/public/{tree['a'].pk}/subscribe/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "订阅幸福社区公示栏" in html and "阅读器应用" in html and "复制下面的地址" in html
    address = f"http://testserver/public/{tree['a'].pk}/feed/"
    assert f'value="{address}"' in html and 'data-copy="#feed-url"' in html
    feed = client.get(address)  # the address is the feed itself
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert f"/public/notices/{n.pk}/" in feed.content.decode()


@pytest.mark.parametrize("which", ["street", "missing"])
def test_only_a_communitys_board_has_one(client: Client, tree, which: str) -> None:  # type: ignore[no-untyped-def]
    pk = tree["street"].pk if which == "street" else 999999
    assert client.get(f"/public/{pk}/subscribe/").status_code == 404
