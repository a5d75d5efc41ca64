"""The procedure page: steps done, next and later; the form only for those who decide;
refusals shown with their rule; odd input never a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from yishi.consult import procedure_services as ps
from yishi.consult.models import ProcedureStep, Topic
from yishi.places.models import Role, RoleKind
from yishi.places.tests.factories import resident

from .helpers import candidate, snapshot
from .pages import as_user, cites, refusal_codes, refusals

pytestmark = pytest.mark.django_db


def _page(topic: Topic) -> str:
    return reverse("consult:procedure", args=[topic.pk])


def _step(topic: Topic, code: str) -> str:
    return reverse("consult:procedure_step", args=[topic.pk, code])


@pytest.fixture
def topic(cast: dict[str, Any], tree: dict[str, Any]) -> Topic:
    for i in range(6):
        Role.objects.create(person=resident(tree["a"], name=f"代表{i}"), place=tree["a"],
                            kind=RoleKind.REPRESENTATIVE)
    t = candidate(cast, tree, title="修建村道", mandatory=False)
    return ps.choose_procedure(actor=cast["staff_a"].user, topic=t, procedure="four_two")


def test_staff_choose_the_procedure_on_the_page(client, cast, tree) -> None:
    t = candidate(cast, tree, mandatory=False)
    c = as_user(client, cast["staff_a"])
    page = c.get(_page(t)).content.decode()
    assert 'data-testid="choose-form"' in page
    c.post(reverse("consult:procedure_choose", args=[t.pk]), {"procedure": "hearing"})
    t.refresh_from_db()
    assert t.procedure == "hearing"
    page = c.get(_page(t)).content.decode()
    assert 'data-testid="step-announce"' in page and 'data-state="next"' in page


def test_the_party_sees_the_form_of_its_step_and_staff_only_wait(client, cast, topic) -> None:
    page = as_user(client, cast["party_a"]).get(_page(topic)).content.decode()
    assert 'data-testid="record-step"' in page
    page = as_user(client, cast["staff_a"]).get(_page(topic)).content.decode()
    assert 'data-testid="step-waiting"' in page and 'data-testid="record-step"' not in page
    assert page.count('data-state="later"') == 5


def test_done_steps_show_who_when_and_the_vote(client, cast, topic) -> None:
    ps.record_procedure_step(actor=cast["party_a"].user, topic=topic, step="party_proposes")
    ps.record_procedure_step(actor=cast["staff_a"].user, topic=topic, step="committees_discuss")
    ps.record_procedure_step(actor=cast["party_a"].user, topic=topic, step="members_review")
    c = as_user(client, cast["staff_a"])
    c.post(_step(topic, "representatives_resolve"),
           {"yes": "4", "no": "1", "abstain": "0", "present": "5", "note": "同意修路"})
    page = c.get(_page(topic)).content.decode()
    assert 'data-testid="step-representatives_resolve-vote" data-passed="yes"' in page
    assert 'data-testid="step-party_proposes-who"' in page and "party_a" in page


def test_a_skipped_step_posted_by_url_is_refused_with_its_rule(client, cast, topic) -> None:
    before = snapshot()
    response = as_user(client, cast["staff_a"]).post(
        _step(topic, "representatives_resolve"),
        {"yes": "4", "no": "0", "abstain": "0", "present": "5"}, follow=True)
    assert response.status_code == 200
    shown = " ".join(refusals(response))
    assert "step_order" in refusal_codes(response) and cites(shown, "004 第一篇 四.2")
    assert snapshot() == before


def test_residents_read_but_cannot_record(client, cast, topic) -> None:
    c = as_user(client, cast["resident_a"])
    page = c.get(_page(topic)).content.decode()
    assert 'data-testid="step-party_proposes"' in page and 'data-testid="record-step"' not in page
    assert 'data-testid="choose-form"' not in page
    response = c.post(_step(topic, "party_proposes"), {}, follow=True)
    assert "role" in refusal_codes(response)
    assert not ProcedureStep.objects.exists()


def test_other_communities_get_404(client, cast, topic) -> None:
    assert as_user(client, cast["resident_b"]).get(_page(topic)).status_code == 404
    assert as_user(client, cast["staff_b"]).post(_step(topic, "party_proposes")).status_code == 404


@pytest.mark.parametrize("data", [
    {"yes": "-1", "no": "x", "present": "9999999999"},
    {"note": "长" * 5000},
    {"notice_days": "0"},
])
def test_odd_input_is_refused_not_a_server_error(client, cast, topic, data) -> None:
    c = as_user(client, cast["party_a"])
    response = c.post(_step(topic, "party_proposes"), data, follow=True)
    assert response.status_code == 200
    for code in ("no-such-step", "representatives_resolve"):
        assert c.post(_step(topic, code), data, follow=True).status_code == 200
    assert c.post(reverse("consult:procedure_choose", args=[topic.pk]),
                  {"procedure": "nonsense"}, follow=True).status_code == 200


def test_a_consultation_topic_page_points_to_the_topic_page(client, cast, tree) -> None:
    t = candidate(cast, tree)
    t.state = "planned"
    t.save(update_fields=["state"])
    page = as_user(client, cast["staff_a"]).get(_page(t)).content.decode()
    assert 'data-testid="consultation-procedure"' in page
