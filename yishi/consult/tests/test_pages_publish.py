"""Filing and publishing from the topic page: the outcome reaches the public notice board."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yishi.consult import services
from yishi.consult.models import Topic
from yishi.disclosure.models import Notice

from .helpers import held_to_vote, passed_by_assembly, representatives, signed_minutes, snapshot
from .pages import as_user, cites, refusal_codes, refusals

pytestmark = pytest.mark.django_db

MEMO = "共识纪要:一楼住户免摊,其余按楼层系数分摊"


def _act(topic: Topic, action: str) -> str:
    return reverse("consult:topic_action", args=[topic.pk, action])


def test_publishing_before_filing_is_refused_and_writes_nothing(client, tree, cast) -> None:
    topic = signed_minutes(cast, tree, MEMO)
    before = snapshot()
    response = as_user(client, cast["staff_a"]).post(_act(topic, "publish"), {"days": 7})
    assert refusals(response) and snapshot() == before
    assert not Notice.objects.exists()


def test_filed_and_published_the_outcome_is_on_the_public_board(client, tree, cast) -> None:
    topic = signed_minutes(cast, tree, MEMO)
    c = as_user(client, cast["staff_a"])
    assert 'data-testid="file-form"' in c.get(reverse("consult:topic", args=[topic.pk])) \
        .content.decode()
    c.post(_act(topic, "file"), {"note": "报党支部备案"})
    before = snapshot()
    response = c.post(_act(topic, "publish"), {"days": 0})
    assert refusals(response) and snapshot() == before and not Notice.objects.exists()
    # A major matter: refused until the representatives' meeting passed it (001 §二(一)1).
    page = c.get(reverse("consult:topic", args=[topic.pk])).content.decode()
    assert 'data-testid="assembly-needed"' in page
    response = c.post(_act(topic, "publish"), {"days": 7})
    [message] = refusals(response)
    assert refusal_codes(response) == ["assembly_required"] and cites(message, "001 §二(一)1")
    assert snapshot() == before
    passed_by_assembly(cast, tree, topic)
    c.post(_act(topic, "publish"), {"days": 7, "confirmed": "1"})
    topic.refresh_from_db()
    assert topic.state == "published"
    notice = Notice.objects.get(source_type="consult.topic", source_id=topic.pk)
    assert notice.kind == "outcome" and MEMO in notice.body
    assert (notice.starts_on, notice.ends_on) == (topic.outcome.published_from,
                                                  topic.outcome.published_until)
    page = c.get(reverse("consult:topic", args=[topic.pk])).content.decode()
    assert 'data-testid="public-notice-link"' in page
    assert reverse("disclosure:notice_pdf", args=[notice.pk]) in page  # the topic's documents
    assert reverse("consult:minutes", args=[topic.meetings.get().pk]) in page
    # A signed-out visitor reads it.
    visitor = Client()
    assert topic.title in visitor.get(f"/public/{tree['a'].pk}/").content.decode()
    assert MEMO in visitor.get(f"/public/notices/{notice.pk}/").content.decode()


def test_the_proposer_follows_the_outcome_read_only(client, tree, cast) -> None:
    topic = signed_minutes(cast, tree, MEMO)
    page = as_user(client, cast["resident_a"]).get(
        reverse("consult:topic", args=[topic.pk])).content.decode()
    assert MEMO in page and 'data-testid="outcome"' in page
    assert 'data-testid="file-form"' not in page and 'data-testid="audit"' not in page


def test_a_failed_consultation_goes_to_the_assembly_which_decides(client, tree, cast) -> None:
    topic, meeting = held_to_vote(cast, tree)
    staff = cast["staff_a"].user
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=2, no=7, abstain=0)
    services.close_vote(actor=staff, meeting=meeting)
    services.close_meeting(actor=staff, meeting=meeting, result="no_consensus", conclusion="分歧")
    c = as_user(client, cast["staff_a"])
    page = c.get(reverse("consult:topic", args=[topic.pk])).content.decode()
    assert 'data-testid="refer-assembly-form"' in page
    before = snapshot()
    assert refusals(c.post(_act(topic, "refer_assembly"), {"reason": ""}))
    assert snapshot() == before
    c.post(_act(topic, "refer_assembly"), {"reason": "争议较大"})
    topic.refresh_from_db()
    assert topic.state == "at_assembly"
    assert 'data-testid="assembly-form"' in c.get(
        reverse("consult:topic", args=[topic.pk])).content.decode()
    reps = representatives(tree, 3)
    before = snapshot()
    today, tomorrow = timezone.localdate(), timezone.localdate() + timedelta(days=1)
    week_ago = (today - timedelta(days=7)).isoformat()
    assert refusals(c.post(_act(topic, "assembly"), {
        "kind": "representatives", "noticed_on": week_ago, "held_on": tomorrow.isoformat(),
        "location": "议事厅"}))
    assert snapshot() == before
    c.post(_act(topic, "assembly"), {"kind": "representatives", "noticed_on": week_ago,
                                     "held_on": today.isoformat(), "location": "议事厅"})
    [assembly] = topic.assemblies.all()
    for person in reps:
        c.post(reverse("consult:assembly_action", args=[assembly.pk, "attend"]),
               {"person": person.pk})
    c.post(reverse("consult:assembly_action", args=[assembly.pk, "decide"]),
           {"yes": 3, "no": 0, "abstain": 0, "decision": "代表会议表决通过"})
    topic.refresh_from_db()
    assert topic.state == "decided" and topic.outcome.assembly_passed is True
