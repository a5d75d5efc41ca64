"""Steps of the procedure the tests share, and a snapshot of everything a refusal must not touch."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.apps import apps
from django.utils import timezone

from yishi.consult import services
from yishi.consult.models import Meeting, Participant, Topic, TopicSource, XMember
from yishi.core.models import AuditEvent, Notification
from yishi.places.models import CommitteeMembership


def snapshot() -> dict[str, Any]:
    """Row counts of every consult model, the audit log, notifications and memberships,
    and the state of every topic and meeting."""
    counts: dict[str, Any] = {m.__name__: m.objects.count()
                              for m in apps.get_app_config("consult").get_models()}
    counts["audit"] = AuditEvent.objects.count()
    counts["notifications"] = Notification.objects.count()
    counts["memberships"] = CommitteeMembership.objects.filter(ended_on__isnull=True).count()
    counts["x_members"] = XMember.objects.filter(ended_on__isnull=True).count()
    counts["topic_states"] = list(Topic.objects.order_by("pk").values_list("state", flat=True))
    counts["meeting_states"] = list(Meeting.objects.order_by("pk").values_list("state", flat=True))
    return counts


def in_days(n: int) -> Any:
    return (timezone.now() + timedelta(days=n)).replace(microsecond=0)


def candidate(cast: dict[str, Any], tree: dict[str, Any], **kw: Any) -> Topic:
    values = {"title": "加装电梯", "text": "1栋加装电梯的费用分摊", "category": "property",
              "source": TopicSource.JOINT_PROPOSAL, "proposer": cast["resident_a"],
              "mandatory": True, "community": tree["a"]}
    values.update(kw)
    return services.create_candidate(actor=cast["staff_a"].user, **values)


def planned(cast: dict[str, Any], tree: dict[str, Any], *, major: bool = True,
            technical: bool = False, **kw: Any) -> Topic:
    """A topic accepted and planned, with an X stakeholder and an unrelated resident."""
    staff = cast["staff_a"].user
    topic = candidate(cast, tree, **kw)
    # 财务预算 is a major item of the default catalogue, 公共治理 a general one.
    topic = services.accept_topic(actor=staff, topic=topic,
                                  catalogue_code="finance" if major else "governance",
                                  technical=technical)
    plan = services.draft_plan(actor=staff, topic=topic, starts_at=in_days(4),
                               location="社区议事厅", form="council",
                               rules_text="一人一次发言,每人不超过5分钟", convener=cast["staff_a"],
                               recorder=cast["recorder_a"], materials="费用测算表")
    services.add_participant(actor=staff, plan=plan, kind="x", person=cast["stakeholder"])
    services.add_participant(actor=staff, plan=plan, kind="resident", person=cast["neighbour"])
    topic.refresh_from_db()
    if topic.is_major:
        services.record_risk_assessment(actor=staff, topic=topic, level="low",
                                        findings="费用分摊方案已征求各户意见,无明显分歧")
    return topic


def notified(cast: dict[str, Any], tree: dict[str, Any], **kw: Any) -> tuple[Topic, Meeting]:
    topic = planned(cast, tree, **kw)
    if topic.is_major:
        services.approve_plan(actor=cast["party_a"].user, plan=topic.plan)
    meeting = services.send_notices(actor=cast["staff_a"].user, topic=topic)
    topic.refresh_from_db()
    return topic, meeting


def participant(meeting: Meeting, person: Any) -> Participant:
    return Participant.objects.get(plan_id=meeting.plan_id, person=person)


def sign_in_everyone(meeting: Meeting, staff: Any) -> None:
    for p in Participant.objects.filter(plan_id=meeting.plan_id):
        services.mark_attendance(actor=staff, meeting=meeting, participant=p)


def held_to_vote(cast: dict[str, Any], tree: dict[str, Any], method: str = "hands",
                 **kw: Any) -> tuple[Topic, Meeting]:
    """A meeting opened with everyone present, the three steps done, the vote open."""
    staff = cast["staff_a"].user
    topic, meeting = notified(cast, tree, **kw)
    services.open_sign_in(actor=staff, meeting=meeting)
    sign_in_everyone(meeting, staff)
    services.open_meeting(actor=staff, meeting=meeting)
    services.record_convener_explanation(actor=staff, meeting=meeting, summary="议题来源与规则")
    services.record_proposer_explanation(actor=staff, meeting=meeting, summary="提议人说明")
    services.open_discussion(actor=staff, meeting=meeting)
    services.open_vote(actor=staff, meeting=meeting, method=method, question="是否同意方案")
    meeting.refresh_from_db()
    return topic, meeting


def signed_minutes(cast: dict[str, Any], tree: dict[str, Any],
                   conclusion: str = "共识") -> Topic:
    """A topic whose meeting voted 9–0, closed in consensus, with minutes signed by both."""
    topic, meeting = held_to_vote(cast, tree)
    staff = cast["staff_a"].user
    services.record_show_of_hands(actor=staff, meeting=meeting, yes=9, no=0, abstain=0)
    services.close_vote(actor=staff, meeting=meeting)
    services.close_meeting(actor=staff, meeting=meeting, result="consensus",
                           conclusion=conclusion)
    services.sign_minutes(actor=staff, meeting=meeting)
    services.sign_minutes(actor=cast["recorder_a"].user, meeting=meeting)
    topic.refresh_from_db()
    return topic



def representatives(tree: dict[str, Any], n: int) -> list[Any]:
    """``n`` residents of community A holding the representative's role (村(居)民代表)."""
    from datetime import date

    from yishi.places.models import Role, RoleKind
    from yishi.places.tests.factories import resident

    have = list(Role.objects.filter(kind=RoleKind.REPRESENTATIVE, place=tree["a"])
                .select_related("person"))
    people = [r.person for r in have]
    for i in range(len(people), n):
        person = resident(tree["a"], name=f"代表{i}")
        Role.objects.create(person=person, place=tree["a"], kind=RoleKind.REPRESENTATIVE,
                            start=date(2020, 1, 1))
        people.append(person)
    return people[:n]


def passed_by_assembly(cast: dict[str, Any], tree: dict[str, Any], topic: Topic,
                       *, present: int = 3, of: int = 4) -> Any:
    """The representatives' meeting (``present`` of ``of`` representatives) passes the topic
    today, its notice given five days ago."""
    from datetime import timedelta

    from yishi.core import clock

    staff = cast["staff_a"].user
    reps = representatives(tree, of)
    today = clock.localdate()
    assembly = services.record_assembly(actor=staff, topic=topic, kind="representatives",
                                        noticed_on=today - timedelta(days=5), held_on=today,
                                        location="社区议事厅")
    for person in reps[:present]:
        services.mark_present(actor=staff, assembly=assembly, person=person)
    assembly = services.decide_assembly(actor=staff, assembly=assembly, yes=present, no=0,
                                        abstain=0, decision="同意协商形成的方案")
    topic.refresh_from_db()
    return assembly
