"""The topic's file (一事一档) and the screening actions on it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yishi.consult.models import Topic, TopicSource

from .helpers import candidate, planned, snapshot
from .pages import as_user, cites, refusal_codes, refusals

pytestmark = pytest.mark.django_db


def _url(topic: Topic) -> str:
    return reverse("consult:topic", args=[topic.pk])


def _act(topic: Topic, action: str) -> str:
    return reverse("consult:topic_action", args=[topic.pk, action])


def test_staff_sees_the_file_with_screening_and_audit_trail(client, tree, cast) -> None:
    topic = candidate(cast, tree)
    page = as_user(client, cast["staff_a"]).get(_url(topic)).content.decode()
    assert 'data-testid="accept-form"' in page and 'data-testid="audit"' in page
    assert "提出议题" in page and "topic.candidate" not in page  # the trail in words
    # A mandatory topic shows that it cannot be rejected or referred, and offers neither.
    assert 'data-testid="mandatory-note"' in page and 'data-testid="reject-form"' not in page


def test_a_non_mandatory_candidate_offers_refer_and_reject(client, tree, cast) -> None:
    topic = candidate(cast, tree, mandatory=False)
    page = as_user(client, cast["staff_a"]).get(_url(topic)).content.decode()
    assert 'data-testid="reject-form"' in page and 'data-testid="refer-form"' in page


def test_residents_of_the_community_read_the_file_without_actions_or_audit(client, tree,
                                                                          cast) -> None:
    topic = planned(cast, tree)
    for person in (cast["resident_a"], cast["neighbour"]):
        response = as_user(client, person).get(_url(topic))
        page = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="history"' in page
        assert 'data-testid="audit"' not in page and 'data-testid="next-step"' not in page


def test_supervisory_committee_reads_the_audit_trail_but_cannot_act(client, tree, cast) -> None:
    topic = candidate(cast, tree)
    c = as_user(client, cast["supervisor_a"])
    page = c.get(_url(topic)).content.decode()
    assert 'data-testid="audit"' in page and 'data-testid="accept-form"' not in page
    before = snapshot()
    response = c.post(_act(topic, "accept"), {"catalogue_code": "finance"})
    assert response.status_code == 302 and refusals(response)
    assert snapshot() == before


@pytest.mark.parametrize("who", ["resident_b", "staff_b"])
def test_another_community_gets_404(client, tree, cast, who) -> None:
    topic = candidate(cast, tree)
    c = as_user(client, cast[who])
    assert c.get(_url(topic)).status_code == 404
    before = snapshot()
    assert c.post(_act(topic, "accept"), {"catalogue_code": "finance"}).status_code == 404
    assert snapshot() == before


def test_community_staff_get_404_on_a_township_topic(client, tree, cast) -> None:
    """A street's cross-community topic is the township's: staff serving at a community
    below neither read its file, nor screen it, nor open its plan."""
    topic = candidate(cast, tree, community=tree["street"], source=TopicSource.ENTRUSTED,
                      mandatory=False, entrusted_by="区民政局")
    c = as_user(client, cast["staff_a"])
    assert c.get(_url(topic)).status_code == 404
    assert c.get(reverse("consult:plan", args=[topic.pk])).status_code == 404
    before = snapshot()
    for action, data in (("accept", {"catalogue_code": "policy"}),
                         ("reject", {"reason": "不属于本社区"})):
        assert c.post(_act(topic, action), data).status_code == 404, action
    assert snapshot() == before
    # The township official above both screens it.
    c = as_user(client, cast["township"])
    assert c.get(_url(topic)).status_code == 200
    c.post(_act(topic, "accept"), {"catalogue_code": "policy"})
    topic.refresh_from_db()
    assert topic.state == "accepted"


def test_residents_get_404_on_staff_actions(client, tree, cast) -> None:
    topic = candidate(cast, tree)
    before = snapshot()
    response = as_user(client, cast["resident_a"]).post(_act(topic, "accept"),
                                                        {"catalogue_code": "finance"})
    assert response.status_code == 404 and snapshot() == before


def test_missing_and_huge_ids_are_404(client, tree, cast) -> None:
    c = as_user(client, cast["staff_a"])
    assert c.get("/consult/topics/999999/").status_code == 404
    assert c.get("/consult/topics/99999999999999999999999/").status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(client, tree, cast) -> None:
    topic = candidate(cast, tree)
    response = client.get(_url(topic))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_accept_as_major_and_technical(client, tree, cast) -> None:
    topic = candidate(cast, tree)
    response = as_user(client, cast["staff_a"]).post(
        _act(topic, "accept"), {"catalogue_code": "finance", "major": "on", "technical": "on"})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.state, topic.kind, topic.technical, topic.catalogue_code) == (
        "accepted", "major", True, "finance")


def test_rejecting_a_mandatory_topic_is_refused_naming_the_rule(client, tree, cast) -> None:
    topic = candidate(cast, tree)
    before = snapshot()
    for action, data in (("reject", {"reason": "不属于协商范围"}),
                         ("refer", {"referred_to": "区住建局", "reason": "部门职责"})):
        response = as_user(client, cast["staff_a"]).post(_act(topic, action), data)
        [message] = refusals(response)
        assert refusal_codes(response) == ["mandatory_topic"] and cites(message, "000 §(二)(1)")
    assert snapshot() == before


def test_reject_without_reason_is_refused(client, tree, cast) -> None:
    topic = candidate(cast, tree, mandatory=False)
    before = snapshot()
    response = as_user(client, cast["staff_a"]).post(_act(topic, "reject"), {"reason": "  "})
    [message] = refusals(response)
    assert refusal_codes(response) == ["reason_required"] and cites(message, "000 §(二)(4)1")
    assert snapshot() == before


def test_refer_and_reject_with_reasons(client, tree, cast) -> None:
    c = as_user(client, cast["staff_a"])
    t1 = candidate(cast, tree, mandatory=False)
    c.post(_act(t1, "refer"), {"referred_to": "区住建局", "reason": "属于部门职责"})
    t2 = candidate(cast, tree, mandatory=False)
    c.post(_act(t2, "reject"), {"reason": "不属于本社区"})
    t1.refresh_from_db()
    t2.refresh_from_db()
    assert (t1.state, t1.referred_to, t2.state) == ("referred", "区住建局", "rejected")


def test_merge_into_an_open_topic(client, tree, cast) -> None:
    main = planned(cast, tree)
    topic = candidate(cast, tree)
    c = as_user(client, cast["staff_a"])
    assert 'data-testid="merge-form"' in c.get(_url(topic)).content.decode()
    c.post(_act(topic, "merge"), {"into": main.pk, "reason": "同一事项"})
    topic.refresh_from_db()
    assert (topic.state, topic.merged_into_id) == ("merged", main.pk)


@pytest.mark.parametrize("action,data", [
    ("accept", {"catalogue_code": "no-such-item"}),
    ("accept", {}),
    ("merge", {"into": "999999"}),
    ("merge", {"into": "abc"}),
    ("refer", {"referred_to": "x" * 500, "reason": "r"}),
    ("reject", {"reason": "x" * 5000}),
    ("publish", {"days": "-1"}),
    ("second", {"starts_at": "not a date"}),
    ("assembly", {"assembly": "parliament", "held_on": "2026-13-45", "decision": ""}),
    ("close", {}),
    ("approve", {}),
    ("notify", {}),
    ("file", {}),
])
def test_odd_input_is_refused_and_writes_nothing(client, tree, cast, action, data) -> None:
    topic = candidate(cast, tree)
    before = snapshot()
    response = as_user(client, cast["staff_a"]).post(_act(topic, action), data)
    assert response.status_code == 302 and refusals(response)
    assert snapshot() == before


def test_unknown_action_is_404(client, tree, cast) -> None:
    topic = candidate(cast, tree)
    c = as_user(client, cast["staff_a"])
    assert c.post(_act(topic, "explode"), {}).status_code == 404
    assert c.get(_act(topic, "accept")).status_code == 405


def test_my_topics_lists_what_the_resident_raised_signed_or_attends(client, tree, cast) -> None:
    topic = planned(cast, tree, title="加装电梯议题")
    for person in (cast["resident_a"], cast["neighbour"]):
        page = as_user(client, person).get(reverse("consult:mine")).content.decode()
        assert "加装电梯议题" in page
    page = as_user(client, cast["resident_b"]).get(reverse("consult:mine")).content.decode()
    assert "加装电梯议题" not in page
    # The proposer's view is read-only and shows the progress.
    page = as_user(client, cast["resident_a"]).get(_url(topic)).content.decode()
    assert 'data-state="planned"' in page and 'data-testid="history"' in page
