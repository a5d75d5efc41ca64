"""The public board: no sign-in, masked personal numbers, a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yishi.core import clock
from yishi.disclosure.tests.factories import notice, notices

pytestmark = pytest.mark.django_db


def test_the_board_shows_notices_inside_their_period_to_a_signed_out_visitor(client, tree):
    current = notice(tree["a"], title="关于小区垃圾分类点位调整的公示", days_ago=2, length=7)
    ended = notice(tree["a"], title="已结束的公示", days_ago=30, length=7)
    later = notice(tree["a"], title="下周才张贴的公示", days_ago=-3)
    other = notice(tree["b"], title="桃园村的公示")
    page = client.get(f"/public/{tree['a'].pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert current.title in html
    assert ended.title not in html and later.title not in html and other.title not in html


def test_the_last_day_of_the_period_is_still_posted(client, tree):
    last_day = notice(tree["a"], title="今天最后一天", days_ago=7, length=7)
    assert last_day.ends_on == timezone.localdate()
    assert "今天最后一天" in client.get(f"/public/{tree['a'].pk}/").content.decode()


def test_phone_and_id_numbers_in_a_notice_are_masked_on_every_public_page(client, tree):
    n = notice(tree["a"], title="低保公示 联系13812345678",
               body="申请人身份证号110101199001011234，联系电话13987654321。")
    urls = [f"/public/{tree['a'].pk}/", f"/public/{tree['a'].pk}/archive/",
            f"/public/notices/{n.pk}/", f"/public/{tree['a'].pk}/feed/",
            f"/public/{tree['a'].pk}/search/?q=低保"]
    for url in urls:
        html = client.get(url).content.decode()
        assert "13812345678" not in html and "13987654321" not in html, url
        assert "110101199001011234" not in html, url
        assert "138****5678" in html, url


@pytest.mark.parametrize("url", ["/public/{street}/", "/public/999999/", "/public/99999999999999999/",
                                 "/public/{a}/archive/?page=abc", "/public/notices/999999/",
                                 "/public/notices/999999.pdf", "/public/{a}/feed/?x=1"])
def test_unknown_places_and_odd_urls_never_fail(client, tree, url):
    status = client.get(url.format(street=tree["street"].pk, a=tree["a"].pk)).status_code
    assert status in (200, 404)


def test_a_notice_scheduled_for_later_is_not_public_yet(client, tree):
    n = notice(tree["a"], days_ago=-2)
    assert client.get(f"/public/notices/{n.pk}/").status_code == 404
    assert client.get(f"/public/notices/{n.pk}.pdf").status_code == 404


def test_the_index_lists_communities_by_street_and_the_select_opens_a_board(client, tree):
    html = client.get("/public/").content.decode()
    assert "和平街道" in html and "幸福社区" in html and "桃园村" in html
    assert client.get("/public/", {"c": tree["b"].pk})["Location"] == f"/public/{tree['b'].pk}/"
    for odd in ("'; drop table", "²", "１２", "9" * 40, ""):
        assert client.get("/public/", {"c": odd}).status_code == 200


def test_the_archive_keeps_ended_notices_by_year_and_paginates(client, tree):
    today = timezone.localdate()
    notices(tree["a"], 25, days_ago=60)
    old = notice(tree["a"], title="去年的公示", starts_on=today.replace(year=today.year - 1))
    first = client.get(f"/public/{tree['a'].pk}/archive/")
    assert first.status_code == 200 and first.context["page"].paginator.count == 26
    by_year = client.get(f"/public/{tree['a'].pk}/archive/", {"year": old.starts_on.year})
    assert [n.pk for n in by_year.context["page"]] == [old.pk]
    for odd in ("1900", "²", "-1", "x" * 100):
        assert client.get(f"/public/{tree['a'].pk}/archive/", {"year": odd}).status_code == 200


def test_the_feed_is_atom_with_links_to_the_notices(client, tree):
    n = notice(tree["a"], title="关于加装电梯的公示")
    response = client.get(f"/public/{tree['a'].pk}/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "关于加装电梯的公示" in body and f"/public/notices/{n.pk}/" in body


@pytest.mark.parametrize("url", ["/public/{a}/", "/public/{a}/archive/", "/public/{a}/search/?q=公示",
                                 "/public/{a}/feed/", "/public/{a}/affairs/", "/public/"])
def test_public_pages_run_the_same_queries_for_five_or_fifty_notices(
    client, tree, url, django_assert_max_num_queries
):
    url = url.format(a=tree["a"].pk)
    notices(tree["a"], 5)
    with django_assert_max_num_queries(4) as small:
        client.get(url)
    notices(tree["a"], 45)
    with django_assert_max_num_queries(4) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_notice_page_runs_a_fixed_number_of_queries(client, tree, django_assert_max_num_queries):
    n = notice(tree["a"])
    with django_assert_max_num_queries(2):  # the notice with its community; its files
        assert client.get(f"/public/notices/{n.pk}/").status_code == 200
    with django_assert_max_num_queries(1):  # the files are in the cached fragment
        assert client.get(f"/public/notices/{n.pk}/").status_code == 200


def test_the_notice_page_says_when_its_period_has_ended(client, tree):
    n = notice(tree["a"], days_ago=40, length=5)
    page = client.get(f"/public/notices/{n.pk}/")
    assert page.status_code == 200 and not page.context["current"]
    assert n.ends_on < timezone.localdate() - timedelta(days=1)


def test_the_cached_board_shows_every_change_at_once(client, tree, django_assert_num_queries):
    """The board's content is kept between requests, under what can change it: a new
    notice, a renamed community, the next day and the language each show at once."""
    a = tree["a"]
    first = notice(a, title="第一则公示", days_ago=6, length=6)
    assert "第一则公示" in client.get(f"/public/{a.pk}/").content.decode()
    with django_assert_num_queries(1):  # the community and its newest notice, nothing else
        assert "第一则公示" in client.get(f"/public/{a.pk}/").content.decode()

    notice(a, title="刚刚张贴的公示", days_ago=0)
    assert "刚刚张贴的公示" in client.get(f"/public/{a.pk}/").content.decode()

    a.name = "新名字社区"
    a.save()
    assert "新名字社区" in client.get(f"/public/{a.pk}/").content.decode()

    tomorrow = timezone.now() + timedelta(days=1)
    assert first.ends_on == timezone.localdate()
    with clock.at(tomorrow):
        html = client.get(f"/public/{a.pk}/").content.decode()
    assert "第一则公示" not in html and "刚刚张贴的公示" in html

    client.cookies["django_language"] = "en"
    assert "Now posted" in client.get(f"/public/{a.pk}/").content.decode()


def test_the_cached_notice_page_says_when_its_period_ends(client, tree):
    n = notice(tree["a"], title="最后一天的公示", days_ago=7, length=7)
    client.cookies["django_language"] = "en"
    assert "period ended" not in client.get(f"/public/notices/{n.pk}/").content.decode()
    with clock.at(timezone.now() + timedelta(days=1)):
        assert "period ended" in client.get(f"/public/notices/{n.pk}/").content.decode()
