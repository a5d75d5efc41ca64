"""Chinese word search: jieba's words, the field's dictionary, odd input never a 500."""

from __future__ import annotations

import pytest

from yishi.disclosure.search import index_text, query_words
from yishi.disclosure.tests.factories import notice

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("word", ["接诉即办", "网格员", "一事一议", "四议两公开", "公示期", "民情专递",
                                  "垃圾分类", "三务公开"])
def test_the_fields_words_are_one_word(word):
    assert query_words(word) == [word]
    assert f" {word} " in index_text(f"关于{word}工作的说明")


def test_searching_a_word_inside_the_title_finds_the_notice(client, tree):
    wanted = notice(tree["a"], title="关于小区垃圾分类点位调整的公示")
    notice(tree["a"], title="关于加装电梯的公示", body="电梯费用分摊方案。")
    page = client.get(f"/public/{tree['a'].pk}/search/", {"q": "垃圾分类"})
    assert [n.pk for n in page.context["page"]] == [wanted.pk]
    assert "关于小区垃圾分类点位调整的公示" in page.content.decode()


def test_every_word_of_the_query_must_be_there(client, tree):
    both = notice(tree["a"], title="垃圾分类点位公示", body="点位调整到北门。")
    notice(tree["a"], title="垃圾清运公示", body="每日清运两次。")
    page = client.get(f"/public/{tree['a'].pk}/search/", {"q": "垃圾分类 北门"})
    assert [n.pk for n in page.context["page"]] == [both.pk]


def test_words_are_found_in_the_body_and_only_on_this_board(client, tree):
    here = notice(tree["a"], title="通知", body="请网格员于周五前入户走访。")
    notice(tree["b"], title="通知", body="请网格员于周五前入户走访。")
    page = client.get(f"/public/{tree['a'].pk}/search/", {"q": "网格员"})
    assert [n.pk for n in page.context["page"]] == [here.pk]


def test_a_part_of_a_word_does_not_match_inside_another_word(client, tree):
    notice(tree["a"], title="通知", body="关于分类回收的说明")
    page = client.get(f"/public/{tree['a'].pk}/search/", {"q": "类回"})
    assert page.context["page"].paginator.count == 0


@pytest.mark.parametrize("q", ["", "   ", "%", "_", "%%__", "' OR 1=1 --", "\"; DROP TABLE x; --",
                               "\\", "垃圾" * 50, "垃圾" * 51, "a" * 5000, "<script>alert(1)</script>",
                               "🙂🙂", "\u200b", "q\x00x", "公示&page=2"])
def test_odd_queries_answer_with_a_page_not_an_error(client, tree, q):
    notice(tree["a"], title="关于小区垃圾分类点位调整的公示")
    page = client.get(f"/public/{tree['a'].pk}/search/", {"q": q, "page": "x"})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.content.decode()


def test_a_too_long_query_says_so(client, tree):
    page = client.get(f"/public/{tree['a'].pk}/search/", {"q": "垃" * 101})
    assert page.status_code == 200 and page.context["page"] is None
    assert page.context["form"].errors
