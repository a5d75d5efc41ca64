"""The assembly that decides a major matter after its consultation (001 §二(一)1), or a topic
referred to it (000 §(二)(4)3): a record with notice, the register's count, attendance, the
quorum and the count; tried through the services and the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from yishi.consult import rules, services
from yishi.consult.models import Assembly, AssemblyAttendance, Topic
from yishi.core import audit
from yishi.core.exceptions import RuleViolation
from yishi.core.tests.threads import run_together
from yishi.followup import services as followup
from yishi.places.models import Household
from yishi.places.tests.factories import resident

from .helpers import held_to_vote, representatives, signed_minutes, snapshot
from .pages import as_user, cites, refusal_codes, refusals


def _today():  # type: ignore[no-untyped-def]
    return timezone.localdate()


def _record(cast, topic: Topic, kind: str = "representatives", *, notice: int = 5,  # type: ignore[no-untyped-def]
            held: int = 0) -> Assembly:
    return services.record_assembly(
        actor=cast["staff_a"].user, topic=topic, kind=kind, location="议事厅",
        noticed_on=_today() - timedelta(days=notice + held), held_on=_today() - timedelta(days=held))


def _refused(rule: str, func, **kw) -> RuleViolation:  # type: ignore[no-untyped-def]
    before = snapshot()
    with pytest.raises(RuleViolation) as e:
        func(**kw)
    assert e.value.rule == rule, e.value
    assert snapshot() == before
    return e.value


@pytest.mark.django_db
def test_the_record_checks_its_day_and_its_notice(tree, cast) -> None:
    topic = signed_minutes(cast, tree)
    staff = cast["staff_a"].user
    record = services.record_assembly
    kw = {"actor": staff, "topic": topic, "location": "议事厅"}
    e = _refused("assembly_date", record, kind="representatives", noticed_on=_today(),
                 held_on=_today() + timedelta(days=1), **kw)
    assert e.clause == rules.CLAUSE_ASSEMBLY
    _refused("assembly_date", record, kind="representatives",
             noticed_on=_today() - timedelta(days=20), held_on=_today() - timedelta(days=1),
             **kw)  # before the consultation it decides (held today)
    # 村民会议: ten days' notice (村委会组织法 第二十一条); a representatives' meeting the
    # community's three.
    e = _refused("assembly_notice", record, kind="villagers",
                 noticed_on=_today() - timedelta(days=9), held_on=_today(), **kw)
    assert e.clause == rules.CLAUSE_ASSEMBLY_NOTICE and "10" in e.message
    _refused("assembly_notice", record, kind="representatives",
             noticed_on=_today() - timedelta(days=2), held_on=_today(), **kw)
    _refused("input", record, kind="parliament", noticed_on=_today(), held_on=_today(), **kw)
    assembly = record(kind="villagers", noticed_on=_today() - timedelta(days=10),
                      held_on=_today(), **kw)
    assert assembly.eligible > 0  # the adults on the register today
    _refused("assembly_twice", record, kind="villagers",
             noticed_on=_today() - timedelta(days=10), held_on=_today(), **kw)


@pytest.mark.django_db
def test_too_few_present_is_refused_saying_how_many_more_then_it_passes(tree, cast) -> None:
    reps = representatives(tree, 6)
    topic = signed_minutes(cast, tree)
    assembly = _record(cast, topic)
    assert assembly.eligible == 6  # needs 4 (2/3 or more)
    staff = cast["staff_a"].user
    for person in reps[:3]:
        services.mark_present(actor=staff, assembly=assembly, person=person)
    e = _refused("assembly_quorum", services.decide_assembly, actor=staff, assembly=assembly,
                 yes=3, no=0, abstain=0, decision="通过")
    assert e.clause == "村民委员会组织法 第二十六条" and "1" in e.message
    # Each person once; someone not a representative is not on this meeting's register.
    _refused("assembly_twice", services.mark_present, actor=staff, assembly=assembly,
             person=reps[0])
    _refused("assembly_not_eligible", services.mark_present, actor=staff, assembly=assembly,
             person=cast["neighbour"])
    services.mark_present(actor=staff, assembly=assembly, person=reps[3])
    _refused("votes_exceed_present", services.decide_assembly, actor=staff, assembly=assembly,
             yes=4, no=1, abstain=0, decision="通过")
    # 2 of 4 is not more than half of those present.
    a = services.decide_assembly(actor=staff, assembly=assembly, yes=2, no=2, abstain=0,
                                 decision="未通过")
    assert a.passed is False and a.present == 4
    _refused("assembly_closed", services.mark_present, actor=staff, assembly=a, person=reps[4])
    # A second meeting is held after the first turned it down, and passes.
    again = _record(cast, topic)
    for person in reps[:5]:
        services.mark_present(actor=staff, assembly=again, person=person)
    again = services.decide_assembly(actor=staff, assembly=again, yes=3, no=1, abstain=1,
                                     decision="通过")
    assert again.passed is True
    topic.refresh_from_db()
    assert topic.outcome.assembly_passed is True and topic.outcome.assembly_record == again
    assert audit.verify().ok


@pytest.mark.django_db
def test_a_household_meeting_counts_each_household_once(tree, cast) -> None:
    topic = signed_minutes(cast, tree)
    staff = cast["staff_a"].user
    assembly = _record(cast, topic, "villager_households", notice=10)
    households = Household.objects.filter(community=tree["a"],
                                          members__isnull=False).distinct().count()
    assert assembly.eligible == households
    head = cast["resident_a"]
    spouse = resident(tree["a"], name="配偶")
    spouse.household = head.household
    spouse.save()
    services.mark_present(actor=staff, assembly=assembly, person=head)
    _refused("assembly_twice", services.mark_present, actor=staff, assembly=assembly,
             person=spouse)
    assert AssemblyAttendance.objects.filter(assembly=assembly).count() == 1


@pytest.mark.django_db
def test_tasks_wait_for_the_assembly_of_a_major_matter_not_of_a_general_one(tree, cast) -> None:
    staff = cast["staff_a"].user
    topic = signed_minutes(cast, tree)
    assert topic.is_major
    task = {"actor": staff, "title": "落实分摊方案", "owner_body": "物业公司",
            "deadline": _today() + timedelta(days=30)}
    e = _refused("assembly_required", followup.create_task, topic=topic, **task)
    assert e.clause == rules.CLAUSE_ASSEMBLY
    reps = representatives(tree, 3)
    assembly = _record(cast, topic)
    for person in reps:
        services.mark_present(actor=staff, assembly=assembly, person=person)
    services.decide_assembly(actor=staff, assembly=assembly, yes=1, no=2, abstain=0,
                             decision="不同意")
    _refused("assembly_rejected", followup.create_task, topic=topic, **task)
    # 商定即行: a general matter is carried out once agreed.
    general = signed_minutes(cast, tree, conclusion="楼道清理")
    Topic.objects.filter(pk=general.pk).update(kind="general")
    general.refresh_from_db()
    assert followup.create_task(topic=general, **task).topic == general


@pytest.mark.django_db
def test_the_assembly_pages_refuse_and_then_pass(client, tree, cast) -> None:
    reps = representatives(tree, 3)
    topic = signed_minutes(cast, tree)
    c = as_user(client, cast["staff_a"])
    page = c.get(reverse("consult:topic", args=[topic.pk])).content.decode()
    assert 'data-testid="assembly-needed"' in page and 'data-testid="assembly-form"' in page
    act = reverse("consult:topic_action", args=[topic.pk, "assembly"])
    before = snapshot()
    response = c.post(act, {"kind": "villagers", "noticed_on": _today().isoformat(),
                            "held_on": _today().isoformat(), "location": "议事厅"})
    [message] = refusals(response)
    assert refusal_codes(response) == ["assembly_notice"]
    assert cites(message, rules.CLAUSE_ASSEMBLY_NOTICE) and snapshot() == before
    for bad in ({"kind": "x", "noticed_on": "2026-13-01", "held_on": "", "location": ""},
                {"kind": "representatives", "noticed_on": "\x00", "held_on": "9999-99-99"}):
        assert c.post(act, bad).status_code == 302 and snapshot() == before
    c.post(act, {"kind": "representatives", "noticed_on": (_today() - timedelta(days=5))
                 .isoformat(), "held_on": _today().isoformat(), "location": "议事厅"})
    assembly = Assembly.objects.get(topic=topic)
    url = reverse("consult:assembly", args=[assembly.pk])
    attend = reverse("consult:assembly_action", args=[assembly.pk, "attend"])
    decide = reverse("consult:assembly_action", args=[assembly.pk, "decide"])
    c.post(attend, {"person": reps[0].pk})
    page = c.get(url).content.decode()
    assert 'data-missing="1"' in page  # 1 of 3: 2 needed
    before = snapshot()
    response = c.post(decide, {"yes": 1, "no": 0, "abstain": 0, "decision": "通过"})
    [message] = refusals(response)
    assert refusal_codes(response) == ["assembly_quorum"]
    assert cites(message, "村民委员会组织法 第二十六条") and snapshot() == before
    assert refusals(c.post(attend, {"lookup": "13800000000"}))  # nobody with that number
    assert refusals(c.post(attend, {"person": "abc"}))
    c.post(attend, {"person": reps[1].pk})
    c.post(decide, {"yes": 2, "no": 0, "abstain": 0, "decision": "代表会议表决通过",
                    "minutes": "应到3人,实到2人"})
    page = c.get(url).content.decode()
    assert 'data-testid="assembly-result"' in page and 'data-testid="assembly-arithmetic"' in page
    # A resident of the community reads the result but not who attended.
    page = as_user(client, cast["resident_a"]).get(url).content.decode()
    assert 'data-testid="assembly-result"' in page and 'data-testid="assembly-attendance"' \
        not in page
    assert as_user(client, cast["staff_b"]).get(url).status_code == 404


@pytest.mark.django_db
def test_the_assembly_page_stays_flat_as_attendance_grows(client, tree, cast,
                                                         django_assert_max_num_queries) -> None:
    reps = representatives(tree, 30)
    topic = signed_minutes(cast, tree)
    assembly = _record(cast, topic)
    staff = cast["staff_a"].user
    c = as_user(client, cast["staff_a"])
    url = reverse("consult:assembly", args=[assembly.pk])
    services.mark_present(actor=staff, assembly=assembly, person=reps[0])
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert c.get(url).status_code == 200
    for person in reps[1:25]:
        services.mark_present(actor=staff, assembly=assembly, person=person)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert c.get(url).status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_two_clerks_ticking_the_same_people_at_once_count_each_once(tree, cast) -> None:
    reps = representatives(tree, 4)
    topic, meeting = held_to_vote(cast, tree)
    staff, recorder = cast["staff_a"].user, cast["recorder_a"].user
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=9, no=0, abstain=0)
    services.close_vote(actor=staff, meeting=meeting)
    services.close_meeting(actor=staff, meeting=meeting, result="consensus", conclusion="共识")
    assembly = _record(cast, topic)
    jobs = [lambda p=p, who=who: services.mark_present(actor=who, assembly=assembly, person=p)
            for p in reps for who in (staff, recorder)]
    results = run_together(jobs)
    refused = [r for r in results if isinstance(r, RuleViolation)]
    assert len(refused) == 4 and {r.rule for r in refused} == {"assembly_twice"}, results
    assert AssemblyAttendance.objects.filter(assembly=assembly).count() == 4
    decided = run_together([
        lambda: services.decide_assembly(actor=staff, assembly=assembly, yes=3, no=1,
                                         abstain=0, decision="通过"),
        lambda: services.decide_assembly(actor=recorder, assembly=assembly, yes=3, no=1,
                                         abstain=0, decision="通过"),
    ])
    assert sum(isinstance(r, Assembly) for r in decided) == 1, decided
    assert audit.verify().ok
