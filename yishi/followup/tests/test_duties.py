"""Follow-up duties are required, not optional (000 §(二)(5), §(四)(2), 003 §六4).

A topic does not close while a dissenter has no explanation; an entrusted answer that does
not (fully) adopt the outcome sends its reasons to the proposer and the participants; an
outcome found unlawful is neither published nor carried out until the township corrects it;
where the community has a legal adviser, a major outcome is published only with the
adviser's opinion, and an adverse one opens the township's correction. Each refusal writes
nothing. Every duty is checked through the service and through the page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from yishi.consult import services as consult
from yishi.consult.models import Topic
from yishi.consult.tests import conftest as consult_fixtures
from yishi.consult.tests.helpers import held_to_vote, passed_by_assembly
from yishi.consult.tests.helpers import snapshot as consult_snapshot
from yishi.consult.tests.pages import as_user, refusal_codes
from yishi.core import clock, hooks
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import Notification
from yishi.followup import rules, services
from yishi.followup.models import Correction, ImplementationTask, LegalOpinion
from yishi.places.models import RoleKind
from yishi.places.tests.factories import staff

from .factories import participant, plan_for, topic_with_outcome

pytestmark = pytest.mark.django_db

# consult's procedure cast: a committee, a party secretary, a recorder, a township official.
committee = consult_fixtures.committee
cast = consult_fixtures.cast

TODAY = timezone.localdate()
MEMO = "共识纪要:一楼住户免摊,其余按楼层系数分摊"


def snapshot() -> dict[str, Any]:
    """consult's snapshot plus every follow-up row count."""
    counts = consult_snapshot()
    counts.update({f"followup.{m.__name__}": m.objects.count()
                   for m in apps.get_app_config("followup").get_models()})
    return counts


def _filed(cast: dict[str, Any], tree: dict[str, Any], *, major: bool = True) -> Topic:
    """A topic consulted to consensus, minutes signed and filed, ready to publish."""
    topic, meeting = held_to_vote(cast, tree, major=major)
    s = cast["staff_a"].user
    consult.record_show_of_hands(actor=s, meeting=meeting, yes=9, no=0, abstain=0)
    consult.close_vote(actor=s, meeting=meeting)
    consult.close_meeting(actor=s, meeting=meeting, result="consensus", conclusion=MEMO)
    consult.sign_minutes(actor=s, meeting=meeting)
    consult.sign_minutes(actor=cast["recorder_a"].user, meeting=meeting)
    consult.file_outcome(actor=s, topic=topic)
    topic.refresh_from_db()
    assert topic.state == "filed"
    if topic.is_major:  # carried out only once the representatives passed it (001 §二(一)1)
        passed_by_assembly(cast, tree, topic)
    return topic


def _published(cast: dict[str, Any], tree: dict[str, Any]) -> Topic:
    topic = _filed(cast, tree)
    consult.publish_outcome(actor=cast["staff_a"].user, topic=topic, days=1)
    topic.refresh_from_db()
    return topic


def _act(topic: Topic, action: str) -> str:
    return reverse("consult:topic_action", args=[topic.pk, action])


def _after_posting() -> Any:
    return clock.at(timezone.now() + timedelta(days=3))


def _refused(rule: str, func: Any, **kw: Any) -> RuleViolation:
    before = snapshot()
    with pytest.raises(RuleViolation) as exc:
        func(**kw)
    assert exc.value.rule == rule
    assert exc.value.clause or rule == "input"  # a duty names its clause
    assert snapshot() == before
    return exc.value


def _dissent(cast: dict[str, Any], topic: Topic) -> Any:
    return services.mark_dissent(actor=cast["staff_a"].user, topic=topic,
                                 grounds="spoke_against", person=cast["neighbour"],
                                 note="不同意按楼层分摊")


# --- The hook and the pure rule ---------------------------------------------------------------


def test_followup_answers_consults_question_before_an_outcome_step() -> None:
    assert services.check_outcome_duties in hooks.subscribers(hooks.OUTCOME_DUTIES)
    assert hooks.OUTCOME_DUTIES.required


FACTS = st.builds(rules.Duties, unexplained=st.integers(0, 5), open_correction=st.booleans(),
                  major=st.booleans(), legal_adviser=st.booleans(),
                  legal_opinion=st.booleans())


def _rule(action: str, d: rules.Duties) -> str | None:
    try:
        rules.check_duties(action, d)
    except RuleViolation as exc:
        assert exc.clause and exc.message
        return exc.rule
    return None


@given(FACTS)
def test_an_open_correction_refuses_every_outcome_step(d: rules.Duties) -> None:
    for action in rules.DUTY_ACTIONS:
        assert (_rule(action, d) == "unlawful_outcome") == d.open_correction


@given(FACTS)
def test_each_duty_refuses_only_its_own_step(d: rules.Duties) -> None:
    if d.open_correction:
        return
    needs_opinion = d.major and d.legal_adviser and not d.legal_opinion
    assert _rule("publish", d) == ("legal_opinion" if needs_opinion else None)
    assert _rule("close", d) == ("dissent_unexplained" if d.unexplained else None)
    assert _rule("implement", d) is None


def test_an_unknown_outcome_step_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        rules.check_duties("file", rules.Duties(unexplained=0, open_correction=False,
                                                major=False, legal_adviser=False,
                                                legal_opinion=False))


# --- 1. A dissenter's explanation before closing ----------------------------------------------


def test_close_is_refused_while_a_dissenter_has_no_explanation(tree, cast) -> None:
    topic = _published(cast, tree)
    dissent = _dissent(cast, topic)
    with _after_posting():
        exc = _refused("dissent_unexplained", consult.close_topic,
                       actor=cast["staff_a"].user, topic=topic)
        assert "1" in exc.message
        services.explain_to_dissenter(actor=cast["staff_a"].user, dissent=dissent,
                                      text="按《物业管理条例》,一楼住户不使用电梯,依法免摊。")
        consult.close_topic(actor=cast["staff_a"].user, topic=topic)
    topic.refresh_from_db()
    assert topic.state == "closed"


def test_the_close_button_says_what_is_missing_then_closes(client, tree, cast) -> None:
    topic = _published(cast, tree)
    dissent = _dissent(cast, topic)
    c = as_user(client, cast["staff_a"])
    with _after_posting():
        before = snapshot()
        response = c.post(_act(topic, "close"), follow=True)
        assert response.status_code == 200
        assert refusal_codes(response) == ["dissent_unexplained"] and snapshot() == before
        c.post(reverse("followup:explain", args=[dissent.pk]), {"text": "已当面解释分摊依据"})
        response = c.post(_act(topic, "close"), follow=True)
    assert refusal_codes(response) == []
    topic.refresh_from_db()
    assert topic.state == "closed"


# --- 2. Reasons sent when an entrusted outcome is not (fully) adopted --------------------------


def _entrusted_with_people(users: dict[str, Any], people: dict[str, Any],
                           entrusted: Topic) -> Topic:
    entrusted.proposer = people["resident_a"]
    entrusted.save(update_fields=["proposer"])
    plan = plan_for(entrusted, people["staff_a"], users["staff_a"])
    participant(plan, people["resident_b"])
    services.report_to_entrusting_body(actor=users["staff_a"], topic=entrusted)
    return entrusted


REASONS = "选址用地属规划绿地,不符合控制性详细规划,另择址建设。"


@pytest.mark.parametrize("adoption", ["not_adopted", "partly"])
def test_an_answer_not_adopting_the_outcome_sends_the_reasons(users, people, bodies, entrusted,
                                                              adoption) -> None:
    topic = _entrusted_with_people(users, people, entrusted)
    services.answer_entrusted_topic(actor=bodies["asked_user"], answer=topic.entrusted_answer,
                                    text=REASONS, adoption=adoption)
    for who in ("resident_a", "resident_b"):  # the proposer and the participant
        got = Notification.objects.filter(recipient=users[who])
        assert [n.body for n in got] == [REASONS], who
        assert topic.title in got[0].subject


def test_an_adopted_answer_goes_to_the_staff_only(users, people, bodies, entrusted) -> None:
    topic = _entrusted_with_people(users, people, entrusted)
    services.answer_entrusted_topic(actor=bodies["asked_user"], answer=topic.entrusted_answer,
                                    text="采纳,按协商结果实施。", adoption="adopted")
    assert not Notification.objects.filter(recipient__in=[users["resident_a"],
                                                          users["resident_b"]]).exists()
    assert Notification.objects.filter(recipient=users["staff_a"]).exists()


def test_the_answer_page_sends_the_reasons_of_a_partial_adoption(users, people, bodies,
                                                                 entrusted) -> None:
    topic = _entrusted_with_people(users, people, entrusted)
    c = Client()
    c.force_login(bodies["asked_user"])
    url = reverse("followup:answer", args=[topic.entrusted_answer.pk])
    assert c.post(url, {"text": REASONS, "adoption": "partly"}).status_code == 302
    assert Notification.objects.filter(recipient=users["resident_a"], body=REASONS).count() == 1
    assert Notification.objects.filter(recipient=users["resident_b"], body=REASONS).count() == 1


# --- 3. An outcome found unlawful waits for the township's correction ------------------------


def test_publish_is_refused_while_the_outcome_is_found_unlawful(tree, cast) -> None:
    topic = _filed(cast, tree)
    township = cast["township"].user
    correction = services.mark_outcome_unlawful(actor=township, topic=topic,
                                                reason="分摊方案违反《民法典》第二百八十三条")
    _refused("unlawful_outcome", consult.publish_outcome, actor=cast["staff_a"].user,
             topic=topic, days=7)
    services.record_correction(actor=township, correction=correction, text="按面积分摊,重新公示")
    consult.publish_outcome(actor=cast["staff_a"].user, topic=topic, days=7)
    topic.refresh_from_db()
    assert topic.state == "published"


def test_the_publish_button_is_refused_while_unlawful_then_publishes(client, tree, cast) -> None:
    topic = _filed(cast, tree)
    township = cast["township"].user
    correction = services.mark_outcome_unlawful(actor=township, topic=topic, reason="违法")
    c = as_user(client, cast["staff_a"])
    before = snapshot()
    response = c.post(_act(topic, "publish"), {"days": 7}, follow=True)
    assert refusal_codes(response) == ["unlawful_outcome"] and snapshot() == before
    t = Client()
    t.force_login(township)
    t.post(reverse("followup:correct", args=[correction.pk]), {"text": "已依法纠正"})
    response = c.post(_act(topic, "publish"), {"days": 7, "confirmed": "1"}, follow=True)
    assert refusal_codes(response) == []
    topic.refresh_from_db()
    assert topic.state == "published"


def test_close_is_refused_while_the_outcome_is_found_unlawful(tree, cast) -> None:
    topic = _published(cast, tree)
    services.mark_outcome_unlawful(actor=cast["township"].user, topic=topic, reason="违法")
    with _after_posting():
        _refused("unlawful_outcome", consult.close_topic, actor=cast["staff_a"].user,
                 topic=topic)


def _task(users: dict[str, Any], topic: Topic) -> ImplementationTask:
    return services.create_task(actor=users["staff_a"], topic=topic, title="更换路灯",
                                owner_body="街道城管科", deadline=TODAY + timedelta(days=30))


def test_implementation_is_refused_while_the_outcome_is_found_unlawful(tree, users) -> None:
    topic = topic_with_outcome(tree["a"])
    task = _task(users, topic)
    correction = services.mark_outcome_unlawful(actor=users["township"], topic=topic,
                                                reason="违法")
    _refused("unlawful_outcome", services.create_task, actor=users["staff_a"], topic=topic,
             title="再换一盏", owner_body="街道城管科", deadline=TODAY + timedelta(days=30))
    _refused("unlawful_outcome", services.record_progress, actor=users["staff_a"], task=task,
             text="已采购灯具")
    services.record_correction(actor=users["township"], correction=correction, text="已纠正")
    _task(users, topic)
    services.record_progress(actor=users["staff_a"], task=task, text="已采购灯具")
    assert ImplementationTask.objects.count() == 2


def test_the_task_page_refuses_a_task_while_unlawful_then_creates_it(tree, users) -> None:
    topic = topic_with_outcome(tree["a"])
    correction = services.mark_outcome_unlawful(actor=users["township"], topic=topic,
                                                reason="违法")
    c = Client()
    c.force_login(users["staff_a"])
    data = {"title": "更换路灯", "owner_body": "街道城管科", "deadline": "2030-01-01"}
    before = snapshot()
    response = c.post(reverse("followup:task_new", args=[topic.pk]), data, follow=True)
    assert refusal_codes(response) == ["unlawful_outcome"] and snapshot() == before
    services.record_correction(actor=users["township"], correction=correction, text="已纠正")
    response = c.post(reverse("followup:task_new", args=[topic.pk]), data, follow=True)
    assert refusal_codes(response) == [] and ImplementationTask.objects.count() == 1


# --- 4. The legal adviser's opinion on a major outcome ----------------------------------------


@pytest.fixture
def adviser(tree):  # type: ignore[no-untyped-def]
    """Community A's legal adviser (法律顾问)."""
    return staff(tree["a"], username="lawyer_a", kind=RoleKind.LEGAL_ADVISER).user


def test_a_major_outcome_waits_for_the_legal_advisers_opinion(tree, cast, adviser) -> None:
    topic = _filed(cast, tree)
    exc = _refused("legal_opinion", consult.publish_outcome, actor=cast["staff_a"].user,
                   topic=topic, days=7)
    assert exc.clause == rules.CLAUSE_LEGAL_ADVISER
    opinion = services.give_legal_opinion(actor=adviser, topic=topic, verdict="lawful",
                                          text="分摊方案符合《民法典》及物业管理条例。")
    assert opinion.correction is None
    consult.publish_outcome(actor=cast["staff_a"].user, topic=topic, days=7)
    topic.refresh_from_db()
    assert topic.state == "published"


def test_a_general_outcome_needs_no_legal_opinion(tree, cast, adviser) -> None:
    topic = _filed(cast, tree, major=False)
    consult.publish_outcome(actor=cast["staff_a"].user, topic=topic, days=7)
    topic.refresh_from_db()
    assert topic.state == "published"


def test_without_a_legal_adviser_a_major_outcome_publishes(tree, cast) -> None:
    topic = _filed(cast, tree)
    consult.publish_outcome(actor=cast["staff_a"].user, topic=topic, days=7)
    topic.refresh_from_db()
    assert topic.state == "published"


def test_an_adverse_opinion_opens_the_townships_correction(tree, cast, adviser) -> None:
    topic = _filed(cast, tree)
    opinion = services.give_legal_opinion(actor=adviser, topic=topic, verdict="adverse",
                                          text="按户平均分摊违反《民法典》第二百八十三条。")
    correction = Correction.objects.get(topic=topic)
    assert opinion.correction == correction and not correction.corrected
    assert Notification.objects.filter(recipient=cast["township"].user,
                                       subject__contains=topic.title).exists()
    _refused("unlawful_outcome", consult.publish_outcome, actor=cast["staff_a"].user,
             topic=topic, days=7)
    _refused("correction_open", services.give_legal_opinion, actor=adviser, topic=topic,
             verdict="lawful", text="已无问题")
    services.record_correction(actor=cast["township"].user, correction=correction,
                               text="改为按面积分摊")
    consult.publish_outcome(actor=cast["staff_a"].user, topic=topic, days=7)
    topic.refresh_from_db()
    assert topic.state == "published"


def test_only_the_legal_adviser_gives_the_opinion(tree, cast, adviser) -> None:
    topic = _filed(cast, tree)
    for who in (cast["staff_a"].user, cast["township"].user, cast["resident_a"].user):
        before = snapshot()
        with pytest.raises(PermissionDenied):
            services.give_legal_opinion(actor=who, topic=topic, verdict="lawful", text="合法")
        assert snapshot() == before
    _refused("input", services.give_legal_opinion, actor=adviser, topic=topic,
             verdict="maybe", text="合法")


def test_the_legal_opinion_page(client, tree, cast, adviser) -> None:
    topic = _filed(cast, tree)
    url = reverse("followup:legal_opinion", args=[topic.pk])
    c = Client()
    c.force_login(adviser)
    page = c.get(url)
    assert page.status_code == 200 and MEMO in page.content.decode()
    # Bad input: a page, not a 500, and nothing written.
    before = snapshot()
    assert c.post(url, {"verdict": "maybe", "text": ""}).status_code == 400
    assert c.post(url, {"verdict": "adverse", "text": "\x00"}).status_code == 400
    assert snapshot() == before
    # Staff read the page but cannot give the opinion; others get 404.
    staff_c = as_user(client, cast["staff_a"])
    assert staff_c.get(url).status_code == 200
    assert staff_c.post(url, {"verdict": "lawful", "text": "合法"}).status_code == 404
    other = Client()
    other.force_login(cast["staff_b"].user)
    assert other.get(url).status_code == 404
    assert LegalOpinion.objects.count() == 0
    # The publish button says the opinion is missing; the adviser's adverse opinion opens
    # the correction.
    response = staff_c.post(_act(topic, "publish"), {"days": 7}, follow=True)
    assert refusal_codes(response) == ["legal_opinion"]
    assert c.post(url, {"verdict": "adverse", "text": "按户平均分摊违法"}).status_code == 302
    assert Correction.objects.filter(topic=topic, corrected_at__isnull=True).count() == 1
    assert "按户平均分摊违法" in staff_c.get(reverse("followup:topic", args=[topic.pk])) \
        .content.decode()
    response = staff_c.post(_act(topic, "publish"), {"days": 7}, follow=True)
    assert refusal_codes(response) == ["unlawful_outcome"]


def test_staff_ask_the_legal_adviser_who_finds_the_outcome_in_a_list(
        client, tree, cast, adviser, django_assert_max_num_queries) -> None:
    topic = _filed(cast, tree)
    general = _filed(cast, tree, major=False)
    c = as_user(client, cast["staff_a"])
    assert c.post(reverse("followup:ask_legal_opinion", args=[topic.pk])).status_code == 302
    asked = Notification.objects.get(recipient=adviser)
    assert asked.link == reverse("followup:legal_opinion", args=[topic.pk])
    a = Client()
    a.force_login(adviser)
    with django_assert_max_num_queries(12):
        page = a.get(reverse("followup:legal_opinions"))
    rows = list(page.context["page"].object_list)
    assert rows == [topic] and general not in rows
    services.give_legal_opinion(actor=adviser, topic=topic, verdict="lawful", text="合法")
    assert list(a.get(reverse("followup:legal_opinions")).context["page"].object_list) == []
    # Nobody else is asked anything, and the list is empty for someone who advises nowhere.
    assert list(c.get(reverse("followup:legal_opinions")).context["page"].object_list) == []


def test_asking_without_a_legal_adviser_is_refused_and_writes_nothing(client, tree, cast) -> None:
    topic = _filed(cast, tree)
    _refused("no_legal_adviser", services.request_legal_opinion, actor=cast["staff_a"].user,
             topic=topic)
    before = snapshot()
    response = as_user(client, cast["staff_a"]).post(
        reverse("followup:ask_legal_opinion", args=[topic.pk]), follow=True)
    assert refusal_codes(response) == ["no_legal_adviser"] and snapshot() == before
