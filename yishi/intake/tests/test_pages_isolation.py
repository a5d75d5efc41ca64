"""Through the pages, a user of one community can neither read nor change another community's
non-public records: every intake page answers 404 alike for "missing" and "not yours", and the
database does not change. Staff of a township see the communities beneath it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yishi.consult.models import Topic
from yishi.core.models import AuditEvent
from yishi.intake import services
from yishi.intake.models import JointProposal, Opinion, OpinionStep, Signature
from yishi.intake.rules import OpinionState, ProposalState
from yishi.places.tests.factories import resident

from .helpers import raise_as

pytestmark = pytest.mark.django_db

OPINION_POSTS = {
    "acknowledge": {},
    "refer": {"department": "城管局", "note": "转办"},
    "make_topic": {},
    "answer": {"answer": "已处理。"},
    "rate": {"rating": "3", "comment": "好"},
}
PROPOSAL_POSTS = ("open", "sign", "unsign", "withdraw")


def _snapshot() -> tuple[object, ...]:
    return (
        tuple(Opinion.objects.order_by("pk").values_list("pk", "state", "rating", "answer")),
        tuple(JointProposal.objects.order_by("pk").values_list("pk", "state",
                                                               "resident_signatures")),
        Signature.objects.filter(withdrawn_at__isnull=True).count(),
        OpinionStep.objects.count(), AuditEvent.objects.count(), Topic.objects.count(),
    )


@pytest.fixture
def records(people, tree):
    """In community A: an opinion (answered, so that rating is allowed), a draft proposal and
    an open proposal; in village B: an opinion."""
    opinion = raise_as(people["resident_a"], tree["a_building"])
    services.acknowledge_opinion(actor=people["staff_a"].user, opinion=opinion)
    answered = raise_as(people["resident_a"], title="路灯", text="不亮")
    services.acknowledge_opinion(actor=people["staff_a"].user, opinion=answered)
    services.answer_opinion(actor=people["staff_a"].user, opinion=answered, answer="已修。")
    neighbours = [resident(tree["a"], username=f"n{i}") for i in range(30)]
    draft = services.draft_proposal(actor=people["resident_a"].user, title="电梯", text="方案",
                                    category="construction")
    open_one = services.draft_proposal(actor=neighbours[0].user, title="停车", text="方案",
                                       category="traffic")
    open_one = services.open_proposal(actor=neighbours[0].user, proposal=open_one)
    village = raise_as(people["resident_b"], title="村道积水", text="下雨积水")
    return {"opinion": opinion, "answered": answered, "draft": draft, "open": open_one,
            "village": village, "neighbour": neighbours[1]}


def _login(client, person) -> None:
    client.force_login(person.user)


@pytest.mark.parametrize("who", ["resident_b", "staff_b"])
def test_another_community_cannot_read_or_act_on_an_opinion(client, people, records, who):
    _login(client, people[who])
    before = _snapshot()
    for opinion in (records["opinion"], records["answered"]):
        assert client.get(f"/intake/opinions/{opinion.pk}/").status_code == 404
        for action, data in OPINION_POSTS.items():
            response = client.post(f"/intake/opinions/{opinion.pk}/{action}/", data)
            assert response.status_code == 404, action
    assert _snapshot() == before


def test_a_neighbour_in_the_same_community_cannot_read_or_rate_someone_elses_opinion(
    client, records
):
    _login(client, records["neighbour"])
    before = _snapshot()
    answered = records["answered"]
    assert client.get(f"/intake/opinions/{answered.pk}/").status_code == 404
    for action, data in OPINION_POSTS.items():
        assert client.post(f"/intake/opinions/{answered.pk}/{action}/", data).status_code == 404
    assert _snapshot() == before


def test_a_missing_opinion_and_someone_elses_look_the_same(client, people, records):
    _login(client, people["resident_b"])
    missing = client.get("/intake/opinions/999999/")
    theirs = client.get(f"/intake/opinions/{records['opinion'].pk}/")
    assert missing.status_code == theirs.status_code == 404
    assert client.get("/intake/opinions/99999999999999999999999/").status_code == 404
    assert client.post("/intake/opinions/999999/acknowledge/").status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in_and_nothing_changes(client, records):
    before = _snapshot()
    pk = records["opinion"].pk
    for url in (f"/intake/opinions/{pk}/", "/intake/queue/",
                f"/intake/proposals/{records['open'].pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(f"/intake/opinions/{pk}/acknowledge/").status_code == 302
    assert client.post(f"/intake/proposals/{records['open'].pk}/sign/").status_code == 302
    assert _snapshot() == before


def test_the_raiser_and_staff_of_the_community_read_the_opinion(client, people, records):
    pk = records["opinion"].pk
    for who in ("resident_a", "staff_a", "township"):
        _login(client, people[who])
        response = client.get(f"/intake/opinions/{pk}/")
        assert response.status_code == 200, who
        assert records["opinion"].number in response.content.decode()


def test_the_timeline_says_each_step_in_words_never_its_code(client, people, records):
    _login(client, people["resident_a"])
    html = client.get(f"/intake/opinions/{records['answered'].pk}/").content.decode()
    timeline = html[html.index('data-testid="timeline"'):html.index("</ol>", html.index(
        'data-testid="timeline"'))]
    for words in ("已登记", "已受理", "已答复"):
        assert words in timeline
    for code in ("submitted", "acknowledged", "answered", "register"):
        assert code not in timeline


def test_staff_of_the_community_act_through_the_page(client, people, records):
    _login(client, people["staff_a"])
    opinion = records["opinion"]
    response = client.post(f"/intake/opinions/{opinion.pk}/answer/", {"answer": "已修复。"})
    assert response.status_code == 302
    assert Opinion.objects.get(pk=opinion.pk).state == OpinionState.ANSWERED


def test_a_refused_step_through_the_page_writes_nothing(client, people, records):
    _login(client, people["staff_a"])
    before = _snapshot()
    # "rate" is the resident's, and acknowledging twice is not in the table.
    for action in ("acknowledge", "rate"):
        response = client.post(f"/intake/opinions/{records['opinion'].pk}/{action}/",
                               OPINION_POSTS[action])
        assert response.status_code == 302
    assert client.post(f"/intake/opinions/{records['opinion'].pk}/fly/").status_code == 404
    assert _snapshot() == before


def test_only_the_proposer_sees_a_draft_proposal(client, people, records):
    draft = records["draft"]
    before = _snapshot()
    for who in ("resident_b", "staff_b", "staff_a", "township"):
        _login(client, people[who])
        assert client.get(f"/intake/proposals/{draft.pk}/").status_code == 404, who
        for action in PROPOSAL_POSTS:
            assert client.post(f"/intake/proposals/{draft.pk}/{action}/").status_code == 404
    _login(client, records["neighbour"])
    assert client.get(f"/intake/proposals/{draft.pk}/").status_code == 404
    assert client.post(f"/intake/proposals/{draft.pk}/open/").status_code == 404
    assert _snapshot() == before
    assert JointProposal.objects.get(pk=draft.pk).state == ProposalState.DRAFT
    _login(client, people["resident_a"])
    assert client.get(f"/intake/proposals/{draft.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["resident_b", "staff_b"])
def test_another_community_cannot_read_or_sign_an_open_proposal(client, people, records, who):
    proposal = records["open"]
    _login(client, people[who])
    before = _snapshot()
    assert client.get(f"/intake/proposals/{proposal.pk}/").status_code == 404
    for action in PROPOSAL_POSTS:
        response = client.post(f"/intake/proposals/{proposal.pk}/{action}/",
                               HTTP_HX_REQUEST="true")
        assert response.status_code == 404, action
    assert _snapshot() == before


def test_a_neighbour_reads_and_signs_an_open_proposal_through_the_page(client, records):
    proposal = records["open"]
    _login(client, records["neighbour"])
    assert client.get(f"/intake/proposals/{proposal.pk}/").status_code == 200
    assert client.post(f"/intake/proposals/{proposal.pk}/sign/").status_code == 302
    assert JointProposal.objects.get(pk=proposal.pk).resident_signatures == 2


def test_a_resident_is_not_a_member_of_staff_and_has_no_queue(client, people, records):
    _login(client, people["resident_a"])
    assert client.get("/intake/queue/").status_code == 404
    _login(client, people["courier_a"])
    assert client.get("/intake/queue/").status_code == 404


def test_staff_see_only_their_own_communitys_queue(client, people, records):
    _login(client, people["staff_b"])
    page = client.get("/intake/queue/").content.decode()
    assert records["village"].title in page
    assert records["opinion"].title not in page
    _login(client, people["staff_a"])
    page = client.get("/intake/queue/?all=1").content.decode()
    assert records["opinion"].title in page and records["answered"].title in page
    assert records["village"].title not in page


def test_the_township_official_sees_the_queues_of_both_communities(client, people, records):
    _login(client, people["township"])
    response = client.get("/intake/queue/")
    assert response.status_code == 200
    page = response.content.decode()
    assert records["opinion"].title in page
    assert records["village"].title in page
    # The answered one waits on the resident, not on staff: only with "show all".
    assert records["answered"].title not in page
    assert records["answered"].title in client.get("/intake/queue/?all=1").content.decode()


def test_a_resident_sees_their_own_opinions_only(client, people, tree, records):
    mine = raise_as(records["neighbour"], title="我的井盖", text="松动")
    _login(client, records["neighbour"])
    page = client.get("/intake/opinions/mine/").content.decode()
    assert mine.title in page
    assert records["opinion"].title not in page
    assert records["village"].title not in page
    _login(client, people["resident_a"])
    page = client.get("/intake/opinions/mine/").content.decode()
    assert records["opinion"].title in page
    assert mine.title not in page


def _queue_queries(client, n: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/intake/queue/")
    assert response.status_code == 200
    assert response.content.decode().count('class="row') == min(n, 30)
    return len(ctx.captured_queries)


def test_the_queue_page_costs_the_same_queries_for_5_and_for_50_opinions(
    client, people, tree, django_assert_max_num_queries
):
    residents = [resident(tree["a"], username=f"q{i}") for i in range(10)]
    for i in range(5):
        raise_as(residents[i % 10], title=f"问题{i}")
    _login(client, people["staff_a"])
    with django_assert_max_num_queries(10):
        few = _queue_queries(client, 5)
    for i in range(5, 50):
        raise_as(residents[i % 10], title=f"问题{i}")
    with django_assert_max_num_queries(10):
        many = _queue_queries(client, 50)
    assert few == many
