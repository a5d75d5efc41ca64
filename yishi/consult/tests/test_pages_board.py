"""The committee's work board: topics by stage with what is due next, in constant queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yishi.consult import services

from .helpers import candidate, held_to_vote, notified, planned
from .pages import as_user

pytestmark = pytest.mark.django_db


def _topics_at_every_stage(cast: dict[str, Any], tree: dict[str, Any], n: int) -> None:
    for i in range(n):
        candidate(cast, tree, title=f"候选{i}")
        planned(cast, tree, title=f"方案{i}")
        notified(cast, tree, title=f"已通知{i}")
    topic, meeting = held_to_vote(cast, tree, title="表决中")
    staff = cast["staff_a"].user
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=9, no=0, abstain=0)
    services.close_vote(actor=staff, meeting=meeting)
    services.close_meeting(actor=staff, meeting=meeting, result="consensus", conclusion="共识")


def test_board_groups_topics_by_stage_with_what_is_due_next(client, tree, cast) -> None:
    _topics_at_every_stage(cast, tree, 1)
    page = as_user(client, cast["staff_a"]).get(reverse("consult:board")).content.decode()
    for state in ("candidate", "planned", "notified", "consensus"):
        assert f'data-testid="stage-{state}"' in page
    assert page.count('data-testid="due"') == 4
    assert "候选0" in page and "表决中" in page
    # The next step in words, with Chinese punctuation; "due" only where it is overdue.
    assert "下一步：" in page and "即将到期" not in page and "Due next" not in page


def test_board_query_count_does_not_grow_with_the_topics(client, tree, cast,
                                                         django_assert_max_num_queries) -> None:
    c = as_user(client, cast["staff_a"])
    _topics_at_every_stage(cast, tree, 1)
    with CaptureQueriesContext(connection) as small:
        assert c.get(reverse("consult:board")).status_code == 200
    _topics_at_every_stage(cast, tree, 6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = c.get(reverse("consult:board")).content.decode()
    assert page.count("data-testid=\"board-topic-") == 23


def test_staff_of_another_community_see_none_of_its_topics(client, tree, cast) -> None:
    candidate(cast, tree, title="幸福社区的议题")
    page = as_user(client, cast["staff_b"]).get(reverse("consult:board")).content.decode()
    assert "幸福社区的议题" not in page
    # The street above both sees it.
    page = as_user(client, cast["township"]).get(reverse("consult:board")).content.decode()
    assert "幸福社区的议题" in page


def test_residents_get_404_on_the_board(client, tree, cast) -> None:
    for who in ("resident_a", "neighbour", "committee"):
        person = cast[who][0] if who == "committee" else cast[who]
        assert as_user(client, person).get(reverse("consult:board")).status_code == 404


def test_the_nav_and_home_link_staff_to_the_board(client, tree, cast) -> None:
    page = as_user(client, cast["staff_a"]).get("/").content.decode()
    assert 'data-testid="nav-board"' in page and 'data-testid="home-board"' in page
    page = as_user(client, cast["resident_a"]).get("/").content.decode()
    assert 'data-testid="nav-board"' not in page
