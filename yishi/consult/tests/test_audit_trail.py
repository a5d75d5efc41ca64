"""A topic's audit trail (一事一档): one selector, one query, the same events on every page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yishi.consult import selectors, services
from yishi.core.models import AuditEvent

from .helpers import candidate, held_to_vote
from .pages import as_user

pytestmark = pytest.mark.django_db


def _signed_and_amended(cast, tree):  # type: ignore[no-untyped-def]
    topic, meeting = held_to_vote(cast, tree)
    staff = cast["staff_a"].user
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=9, no=0, abstain=0)
    services.close_vote(actor=staff, meeting=meeting)
    services.close_meeting(actor=staff, meeting=meeting, result="consensus", conclusion="共识")
    services.sign_minutes(actor=staff, meeting=meeting)
    services.sign_minutes(actor=cast["recorder_a"].user, meeting=meeting)
    services.amend_minutes(actor=cast["recorder_a"].user, meeting=meeting, text="更正")
    return topic


def test_the_trail_holds_the_topic_its_plan_meetings_vote_minutes_and_amendments(
        tree, cast, django_assert_num_queries) -> None:
    topic = _signed_and_amended(cast, tree)
    with django_assert_num_queries(1):
        trail = selectors.topic_audit_trail(topic)
        actors = [e.actor for e in trail]  # read with the events
    kinds = {e.object_type for e in trail}
    assert {"consult.topic", "consult.plan", "consult.meeting", "consult.vote",
            "consult.minutes", "consult.amendment"} <= kinds
    assert [e.pk for e in trail] == sorted(e.pk for e in trail) and all(actors)
    assert "minutes.amend" in {e.action for e in trail}


def test_another_topics_events_stay_out_of_the_trail(tree, cast) -> None:
    mine = candidate(cast, tree, title="我的议题")
    other = candidate(cast, tree, title="别的议题")
    ids = {e.object_id for e in selectors.topic_audit_trail(mine)}
    assert ids == {str(mine.pk)}
    assert AuditEvent.objects.filter(object_type="consult.topic", object_id=str(other.pk))


def test_the_file_and_the_page_show_the_trail_of_the_selector(client, tree, cast) -> None:
    topic = _signed_and_amended(cast, tree)
    trail = selectors.topic_audit_trail(topic)
    file = selectors.topic_file(topic.pk)
    assert file is not None and [e.pk for e in file["audit"]] == [e.pk for e in trail]
    response = as_user(client, cast["staff_a"]).get(reverse("consult:topic", args=[topic.pk]))
    assert [e.pk for e in response.context["audit"]] == [e.pk for e in trail]
    assert selectors.topic_file(topic.pk, with_audit=False)["audit"] == []  # type: ignore[index]


def test_the_trail_reads_as_sentences_never_as_codes(client, tree, cast) -> None:  # type: ignore[no-untyped-def]
    import re

    from yishi.consult.audit_words import PHRASES

    topic, _meeting = held_to_vote(cast, tree, title="加装电梯")
    as_user(client, cast["staff_a"])
    html = client.get(f"/consult/topics/{topic.pk}/").content.decode()
    trail = html[html.index('data-testid="audit"'):html.index("</ol>", html.index(
        'data-testid="audit"'))]
    assert re.search(r"于 \d{4}-\d\d-\d\d \d\d:\d\d ", trail)
    assert "开始签到" in trail and "宣布会议开始" in trail
    for code in PHRASES:
        assert code not in trail
    assert not re.search(r"\b[a-z_]+\.[a-z_]+\b", trail)  # no event code of any kind
