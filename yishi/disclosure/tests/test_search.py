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


# --- The index is public: built from the masked text -------------------------------------

def _post_with_numbers(people, tree):
    from django.utils import timezone

    from yishi.disclosure.services import publish_notice

    today = timezone.localdate()
    return publish_notice(
        actor=people["staff_a"].user, community=tree["a"],
        title="低保公示 联系人电话13812345678",
        body="申请人身份证号110101 1990 0101 4321，备用电话+86 139-8765-4321，"
             "座机１３７２４６８１３５７。",
        starts_on=today, ends_on=today, kind="other", issuer="幸福社区居民委员会",
    )


def test_the_index_holds_the_numbers_masked(tree, people):
    n = _post_with_numbers(people, tree)
    for hidden in ("13812345678", "1234", "19900101", "1990", "0101", "8765", "13987654321",
                   "2468", "13724681357"):
        assert f" {hidden} " not in n.search_text, hidden
    assert " 138 " in n.search_text and " 5678 " in n.search_text  # the shown digits
    assert " 低保 " in n.search_text


def test_index_text_masks_whatever_it_is_given():
    text = index_text("电话138 1234 5678", "身份证１１０１０１１９９００１０１１２３Ｘ")
    assert " 1234 " not in text and " 5678 " in text and "19900101" not in text


@pytest.mark.parametrize("q", ["13812345678", "1234", "138 1234 5678", "138-1234-5678",
                               "１２３４", "8765", "13987654321", "19900101", "1990 0101",
                               "110101199001014321", "2468", "１３７２４６８１３５７"])
def test_the_hidden_digits_of_a_number_do_not_find_the_notice(client, tree, people, q):
    _post_with_numbers(people, tree)
    page = client.get(f"/public/{tree['a'].pk}/search/", {"q": q})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 0, q


def test_the_shown_words_still_find_it_and_the_result_shows_the_numbers_masked(
        client, tree, people):
    n = _post_with_numbers(people, tree)
    for q in ("低保", "5678", "138 5678"):
        page = client.get(f"/public/{tree['a'].pk}/search/", {"q": q})
        assert [x.pk for x in page.context["page"]] == [n.pk], q
    html = page.content.decode()
    assert "138****5678" in html and "110101********4321" in html and "139****4321" in html
    for hidden in ("13812345678", "19900101", "1990 0101", "8765", "１３７２４６８１３５７"):
        assert hidden not in html, hidden


def test_reindexing_drops_the_words_of_a_number_indexed_before_the_masking_caught_it(
        client, tree):
    from io import StringIO

    from django.core.management import call_command

    from yishi.disclosure.models import Notice

    old = notice(tree["a"], title="维修通知", body="联系电话 +86 139-1234-5678，王师傅。")
    # As the index of a notice posted before the masking knew "+86" and dashes held it.
    Notice.objects.filter(pk=old.pk).update(search_text=" 维修 通知 联系 电话 139 1234 5678 王师傅 ")
    assert client.get(f"/public/{tree['a'].pk}/search/",
                      {"q": "1234"}).context["page"].paginator.count == 1
    out = StringIO()
    call_command("reindex_notices", stdout=out)
    assert "1 re-indexed" in out.getvalue()
    old.refresh_from_db()
    assert " 1234 " not in old.search_text and " 维修 " in old.search_text
    assert client.get(f"/public/{tree['a'].pk}/search/",
                      {"q": "1234"}).context["page"].paginator.count == 0
    call_command("reindex_notices", stdout=out)  # again: nothing left to change
    assert out.getvalue().rstrip().endswith("0 re-indexed")
