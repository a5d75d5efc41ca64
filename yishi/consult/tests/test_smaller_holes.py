"""Issue 10, item 9: X members end with their topic and never join a finished one; a
technical matter's second consultation needs its expert too; written and online forms say
honestly that they run as a meeting. (The ledger's empty-room meeting: ledger/tests.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from yishi.consult import rules, services
from yishi.consult.models import Participant, Plan, XMember
from yishi.core.exceptions import RuleViolation

from .helpers import candidate, in_days, planned, sign_in_everyone, snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("end", ["merge", "refer", "reject"])
def test_x_members_end_when_the_topic_is_merged_referred_or_rejected(tree, cast, end) -> None:
    staff = cast["staff_a"].user
    topic = candidate(cast, tree, mandatory=False)
    services.add_x_member(actor=staff, topic=topic, person=cast["stakeholder"])
    if end == "merge":
        into = planned(cast, tree, title="另一议题")
        services.merge_topic(actor=staff, topic=topic, into=into)
    elif end == "refer":
        services.refer_topic(actor=staff, topic=topic, referred_to="区住建局", reason="属部门职责")
    else:
        services.reject_topic(actor=staff, topic=topic, reason="不属于协商范围")
    assert not XMember.objects.filter(topic=topic, ended_on__isnull=True).exists()
    before = snapshot()
    with pytest.raises(RuleViolation) as e:
        services.add_x_member(actor=staff, topic=topic, person=cast["neighbour"])
    assert e.value.rule == "x_topic_ended" and e.value.clause == rules.CLAUSE_PARTICIPANTS
    assert snapshot() == before


def test_no_x_member_joins_a_finished_topic_through_the_plan_page(client, tree, cast) -> None:
    from .pages import as_user

    staff = cast["staff_a"].user
    topic = candidate(cast, tree, mandatory=False)
    services.reject_topic(actor=staff, topic=topic, reason="不属于协商范围")
    c = as_user(client, cast["staff_a"])
    before = snapshot()
    response = c.post(reverse("consult:participant_add", args=[topic.pk]),
                      {"kind": "x", "lookup": "", "name": "外来人"})
    assert response.status_code in (200, 302, 400, 404) and snapshot() == before


def test_a_technical_second_consultation_opens_only_with_its_expert(tree, cast) -> None:
    staff = cast["staff_a"].user
    topic = planned(cast, tree, technical=True, major=False)
    services.add_participant(actor=staff, plan=topic.plan, kind="expert", name="王工",
                             affiliation="市政设计院")
    meeting = services.send_notices(actor=staff, topic=topic)
    services.open_sign_in(actor=staff, meeting=meeting)
    sign_in_everyone(meeting, staff)
    services.open_meeting(actor=staff, meeting=meeting)
    services.record_convener_explanation(actor=staff, meeting=meeting, summary="说明")
    services.record_proposer_explanation(actor=staff, meeting=meeting, summary="说明")
    services.open_discussion(actor=staff, meeting=meeting)
    services.open_vote(actor=staff, meeting=meeting, method="hands", question="是否同意")
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=2, no=7, abstain=0)
    services.close_vote(actor=staff, meeting=meeting)
    services.close_meeting(actor=staff, meeting=meeting, result="no_consensus", conclusion="分歧")
    second = services.schedule_second_meeting(actor=staff, topic=topic, starts_at=in_days(5))
    services.open_sign_in(actor=staff, meeting=second)
    for p in Participant.objects.filter(plan=topic.plan).exclude(kind="expert"):
        services.mark_attendance(actor=staff, meeting=second, participant=p)
    before = snapshot()
    with pytest.raises(RuleViolation) as e:
        services.open_meeting(actor=staff, meeting=second)
    assert e.value.rule == "expert_present" and e.value.clause == rules.CLAUSE_PARTICIPANTS
    assert snapshot() == before
    expert = Participant.objects.get(plan=topic.plan, kind="expert")
    services.mark_attendance(actor=staff, meeting=second, participant=expert)
    assert services.open_meeting(actor=staff, meeting=second).opened_at is not None


@pytest.mark.parametrize("form", ["written", "online"])
def test_written_and_online_forms_say_they_run_as_a_meeting(client, tree, cast, form) -> None:
    from .pages import as_user

    topic = planned(cast, tree, major=False)
    Plan.objects.filter(topic=topic).update(form=form)
    c = as_user(client, cast["staff_a"])
    for url in (reverse("consult:plan", args=[topic.pk]), reverse("consult:topic",
                                                                   args=[topic.pk])):
        assert 'data-testid="form-notice"' in c.get(url).content.decode()
    Plan.objects.filter(topic=topic).update(form="council")
    assert 'data-testid="form-notice"' not in c.get(
        reverse("consult:plan", args=[topic.pk])).content.decode()


def test_resident_only_people_join_general_matters_unless_the_community_says_not(tree,
                                                                              cast) -> None:
    """根据本村(社区)户籍和非户籍常住人口的多少确定 (000 §(二)(2)): a community setting."""
    from yishi.places.models import Residence
    from yishi.places.tests.factories import settings_for

    staff = cast["staff_a"].user
    topic = planned(cast, tree, major=False)
    newcomer = cast["resident_a"]
    newcomer.residence = Residence.RESIDENT
    newcomer.save()
    settings_for(tree["a"], resident_only_general=False)
    before = snapshot()
    with pytest.raises(RuleViolation) as e:
        services.add_participant(actor=staff, plan=topic.plan, kind="resident", person=newcomer)
    assert e.value.rule == "resident_only" and e.value.clause == rules.CLAUSE_PARTICIPANTS
    assert snapshot() == before
    settings_for(tree["a"], resident_only_general=True)
    assert services.add_participant(actor=staff, plan=topic.plan, kind="resident",
                                    person=newcomer).person == newcomer


def test_a_topic_title_loses_its_invisible_characters(tree, cast) -> None:
    assert candidate(cast, tree, title="\u202e加装\u200b电梯\u2069").title == "加装电梯"
