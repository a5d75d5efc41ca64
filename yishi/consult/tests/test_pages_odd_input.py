"""No consultation page answers with a server error, whoever asks and whatever they send."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yishi.consult import services

from .helpers import held_to_vote, snapshot
from .pages import as_user

pytestmark = pytest.mark.django_db

JUNK = [
    {},
    {"yes": "１２", "no": "-0", "abstain": "1e3", "choice": "yes\x00", "code": "' OR 1=1 --"},
    {"starts_at": "9999-99-99T99:99", "held_on": "0000-00-00", "days": "9" * 30,
     "participant": "-1", "into": "1.5", "kind": "x" * 100, "lookup": "１３８００００００００"},
    {"result": ["consensus", "no_consensus"], "method": "", "question": "问" * 1000,
     "summary": "\u202e" * 10, "opinion": "<script>alert(1)</script>", "reason": "\ud7ff"},
]

TOPIC_ACTIONS = ["accept", "merge", "refer", "reject", "approve", "notify", "second",
                 "reschedule", "refer_assembly", "assembly", "file", "publish", "close"]
MEETING_ACTIONS = ["open_sign_in", "open", "convener_explains", "proposer_explains",
                   "open_discussion", "speech", "open_vote", "hands", "paper", "close_vote",
                   "close", "cancel"]


@pytest.mark.parametrize("who", ["staff_a", "supervisor_a", "party_a", "neighbour",
                                 "resident_b", "staff_b"])
def test_no_page_answers_with_a_server_error(client, tree, cast, who) -> None:
    topic, meeting = held_to_vote(cast, tree, method="ballot")
    services.enter_paper_ballots(actor=cast["staff_a"].user, meeting=meeting, yes=1, no=0,
                                 abstain=0)
    c = as_user(client, cast[who])
    row = meeting.plan.participants.first()
    assert row is not None
    gets = [reverse("consult:board"), reverse("consult:mine"),
            reverse("consult:topic", args=[topic.pk]), reverse("consult:plan", args=[topic.pk]),
            reverse("consult:lookup", args=[topic.pk]) + "?lookup=%00%ff",
            reverse("consult:meeting", args=[meeting.pk]),
            reverse("consult:tally", args=[meeting.pk]),
            reverse("consult:result", args=[meeting.pk]),
            reverse("consult:minutes", args=[meeting.pk]),
            reverse("consult:sign_in", args=[meeting.pk]),
            reverse("consult:ballot", args=[meeting.pk])]
    for url in gets:
        assert c.get(url).status_code < 500, url
    posts = (
        [reverse("consult:topic_action", args=[topic.pk, a]) for a in TOPIC_ACTIONS]
        + [reverse("consult:meeting_action", args=[meeting.pk, a]) for a in MEETING_ACTIONS]
        + [reverse("consult:minutes_action", args=[meeting.pk, a]) for a in ("sign", "amend")]
        + [reverse("consult:plan", args=[topic.pk]),
           reverse("consult:participant_add", args=[topic.pk]),
           reverse("consult:participant_remove", args=[topic.pk, row.pk]),
           reverse("consult:tick", args=[meeting.pk, row.pk]),
           reverse("consult:untick", args=[meeting.pk, row.pk]),
           reverse("consult:sign_in", args=[meeting.pk]),
           reverse("consult:ballot", args=[meeting.pk])]
    )
    # Staff and the party organisation may act (a step that needs no input is taken); no one
    # else changes anything.
    acting = who in ("staff_a", "party_a")
    for data in JUNK:
        before = snapshot()
        for url in posts:
            response = c.post(url, data)
            assert response.status_code < 500, (url, data)
        if not acting:
            assert snapshot() == before, data
