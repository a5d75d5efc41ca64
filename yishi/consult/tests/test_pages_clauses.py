"""Every refusal on a page names its document and clause in words (依据《…》（二）4.(3)),
never the internal reference, a rule code or a state code."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yishi.consult import rules

from .helpers import held_to_vote, signed_minutes, snapshot
from .pages import as_user, cites, refusal_codes, refusals

pytestmark = pytest.mark.django_db


def _no_codes(message: str, *codes: str) -> None:
    assert "§" not in message
    for code in codes:
        assert code not in message


def test_publishing_before_filing_cites_the_publication_clause(client, tree, cast) -> None:
    topic = signed_minutes(cast, tree)
    before = snapshot()
    response = as_user(client, cast["staff_a"]).post(
        reverse("consult:topic_action", args=[topic.pk, "publish"]), {"days": 7})
    [message] = refusals(response)
    assert refusal_codes(response) == ["transition"]
    assert cites(message, rules.CLAUSE_PUBLICATION)
    _no_codes(message, "transition", rules.TopicState.MINUTES_SIGNED, rules.TopicState.FILED)
    assert snapshot() == before


def test_a_step_out_of_order_cites_the_clause_of_that_step(client, tree, cast) -> None:
    topic = signed_minutes(cast, tree)
    before = snapshot()
    response = as_user(client, cast["staff_a"]).post(
        reverse("consult:topic_action", args=[topic.pk, "close"]))
    [message] = refusals(response)
    assert cites(message, rules.CLAUSE_PUBLICATION)
    _no_codes(message, "transition", "close")
    assert snapshot() == before


def test_a_second_ballot_cites_the_meeting_clause(client, tree, cast) -> None:
    _topic, meeting = held_to_vote(cast, tree, method="ballot")
    url = reverse("consult:ballot", args=[meeting.pk])
    voter = as_user(client, cast["neighbour"])
    voter.post(url, {"choice": "no"})
    before = snapshot()
    response = voter.post(url, {"choice": "yes"})
    assert response.status_code == 400 and snapshot() == before
    [message] = refusals(response)
    assert refusal_codes(response) == ["already_voted"]
    assert cites(message, rules.CLAUSE_MEETING)
    _no_codes(message, "already_voted")


def test_the_procedure_page_names_its_clauses_in_words(client, tree, cast) -> None:
    topic = signed_minutes(cast, tree)
    page = as_user(client, cast["staff_a"]).get(
        reverse("consult:procedure", args=[topic.pk])).content.decode()
    assert "利川市城乡社区协商实施方案" in page and "§" not in page
