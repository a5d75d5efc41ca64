"""公示 asks first: publishing an outcome shows its notice exactly as the public board will,
and only a confirmed POST publishes (issue 13, item 5)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from yishi.consult.models import Topic
from yishi.disclosure.models import Notice

from .helpers import passed_by_assembly, signed_minutes, snapshot
from .pages import as_user

pytestmark = pytest.mark.django_db

MEMO = "共识纪要：一楼住户免摊，其余按楼层系数分摊"


def _act(topic: Topic, action: str) -> str:
    return reverse("consult:topic_action", args=[topic.pk, action])


def _publishable(client, tree, cast):  # type: ignore[no-untyped-def]
    topic = signed_minutes(cast, tree, MEMO)
    c = as_user(client, cast["staff_a"])
    c.post(_act(topic, "file"), {"note": "报党支部备案"})
    passed_by_assembly(cast, tree, topic)
    return topic, c


def test_publishing_shows_the_notice_as_the_board_will_and_writes_nothing(client, tree,
                                                                          cast) -> None:
    topic, c = _publishable(client, tree, cast)
    Client().get(f"/public/{tree['a'].pk}/")  # the board's fragment is now cached
    before = snapshot()
    page = c.post(_act(topic, "publish"), {"days": 7})
    assert page.status_code == 200 and snapshot() == before and not Notice.objects.exists()
    topic.refresh_from_db()
    assert topic.state == "filed" and topic.outcome.published_from is None
    html = page.content.decode()
    assert "确定现在在公示栏公示这项协商成果吗？" in html and "确认公示" in html
    preview = html.split('data-testid="confirm-preview"')[1].split("<h1>")[0]
    title = f"关于“{topic.title}”协商成果的公示"
    assert title in preview and MEMO in preview
    assert "协商成果" in preview and f"{tree['a'].name}协商委员会" in preview
    assert '<input type="hidden" name="days" value="7">' in html
    assert '<input type="hidden" name="confirmed" value="1">' in html
    assert f'href="{reverse("consult:topic", args=[topic.pk])}"' in html
    # The public board's cached fragment holds no preview.
    board = Client().get(f"/public/{tree['a'].pk}/").content.decode()
    assert title not in board and MEMO not in board


def test_the_confirmed_outcome_is_published_as_previewed(client, tree, cast) -> None:
    topic, c = _publishable(client, tree, cast)
    preview = c.post(_act(topic, "publish"), {"days": 7}).content.decode() \
        .split('data-testid="confirm-preview"')[1].split("<h1>")[0]
    response = c.post(_act(topic, "publish"), {"days": 7, "confirmed": "1"})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.state == "published"
    notice = Notice.objects.get(source_type="consult.topic", source_id=topic.pk)
    page = Client().get(f"/public/notices/{notice.pk}/").content.decode()
    # The notice's page says what the preview said: the same article, word for word.
    article = re.search(r'<article class="card notice">.*?</article>', page, re.S)
    assert article is not None and article.group(0) in preview


def test_a_refused_publication_is_a_message_not_a_question(client, tree, cast) -> None:
    topic = signed_minutes(cast, tree, MEMO)  # not filed yet
    c = as_user(client, cast["staff_a"])
    before = snapshot()
    response = c.post(_act(topic, "publish"), {"days": 7}, follow=True)
    html = response.content.decode()
    assert 'data-testid="confirm-page"' not in html and "refusal" in html
    assert snapshot() == before
