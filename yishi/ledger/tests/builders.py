"""Records for the ledger tests, written directly (the consultation services are tested in
consult; here only the ledger's reading of the records matters)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from yishi.consult.models import Assembly, Attendance, Meeting, Outcome, Participant, Plan, Topic, Vote
from yishi.core.tests.test_tasks_worker import run_worker as run_worker  # for the ledger tests
from yishi.followup.models import EntrustedAnswer, ImplementationTask
from yishi.intake.models import Opinion
from yishi.places.models import Person, Place
from yishi.places.tests.factories import PersonFactory, UserFactory

ZONE = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=ZONE)


def _person(community: Place) -> Person:
    found = Person.objects.filter(community=community).first()
    return found or PersonFactory(community=community, name="召集人")


def topic(community: Place, *, title: str = "加装电梯", created: datetime,
          entrusted_by: str = "", state: str = "closed") -> Topic:
    t = Topic.objects.create(community=community, title=title, text="正文", category="property",
                             source="entrusted" if entrusted_by else "opinion", state=state,
                             entrusted_by=entrusted_by, screening_decision="accept")
    t.created_at = created  # a save, not an update: the dashboards' figures see it
    t.save(update_fields=["created_at"])
    t.refresh_from_db()
    return t


def plan(t: Topic, starts: datetime) -> Plan:
    found = Plan.objects.filter(topic=t).first()
    if found:
        return found
    p = _person(t.community)
    return Plan.objects.create(topic=t, starts_at=starts, location="议事厅", form="council",
                               rules_text="过半数", convener=p, recorder=p,
                               drafted_by=UserFactory(username="drafter"),
                               drafted_at=starts - timedelta(days=5))


def meeting(t: Topic, *, held: datetime | None, number: int = 1,
            scheduled: datetime | None = None, result: str = "consensus",
            state: str | None = None, signed_in: bool = True) -> Meeting:
    starts = held or scheduled or timezone.now()
    m = Meeting.objects.create(
        topic=t, plan=plan(t, starts), number=number, starts_at=starts, location="议事厅",
        state=state or ("closed" if held else "scheduled"), members=9, members_present=8,
        opened_at=held, closed_at=held + timedelta(hours=2) if held else None,
        result=result if held else "",
    )
    if held and signed_in:
        # Someone signed in: a meeting opened before an empty room is not counted.
        member, _new = Participant.objects.get_or_create(plan=m.plan, person=m.plan.convener,
                                                         defaults={"kind": "seat"})
        Attendance.objects.create(meeting=m, participant=member, at=held)
    if held:
        Vote.objects.create(meeting=m, method="hands", question="是否同意", yes=7, no=1,
                            abstain=1, counted=True, present=9, members=9, passed=True,
                            opened_at=held, closed_at=held + timedelta(hours=1))
    return m


def outcome(t: Topic, m: Meeting, *, memo: str = "经协商形成共识") -> Outcome:
    filed = (m.opened_at or timezone.now()) + timedelta(days=2)
    d = timezone.localtime(filed).date()
    return Outcome.objects.create(topic=t, kind="consensus", meeting=m, memo=memo,
                                  filed_at=filed, published_from=d,
                                  published_until=d + timedelta(days=7))


def consultation(community: Place, held: datetime, *, title: str = "加装电梯",
                 with_outcome: bool = True) -> Topic:
    """A topic raised a month before its one meeting, with its outcome."""
    t = topic(community, title=title, created=held - timedelta(days=30))
    m = meeting(t, held=held)
    if with_outcome:
        outcome(t, m)
    return t


_seq = iter(range(50_001, 10**6))  # clear of the numbers the services give out


def opinion(community: Place, *, submitted: datetime, due: date,
            answered: datetime | None = None, rating: int | None = None,
            category: str = "property", state: str | None = None) -> Opinion:
    person = _person(community)
    seq = next(_seq)
    local = timezone.localtime(submitted)
    if state is None:
        state = "rated" if rating else ("answered" if answered else "acknowledged")
    return Opinion.objects.create(
        community=community, place=community, year=local.year, seq=seq,
        number=f"T{local.year}-{seq:05d}", title="路灯不亮", text="正文", category=category,
        raised_by=person, state=state, submitted_at=submitted, due_date=due,
        answered_at=answered, rating=rating,
    )


def task(t: Topic, o: Outcome | None, *, title: str, deadline: date,
         completed: datetime | None = None) -> ImplementationTask:
    return ImplementationTask.objects.create(
        topic=t, outcome=o, community=t.community, title=title, owner_body="社区居委会",
        deadline=deadline, state="done" if completed else "open",
        created_by=UserFactory(username="drafter"),
        created_at=(o.filed_at if o and o.filed_at else timezone.now()), completed_at=completed,
    )


def entrusted_answer(t: Topic, body: Place, *, reported: datetime, due: date,
                     answered: datetime | None = None) -> EntrustedAnswer:
    user = UserFactory(username="drafter")
    return EntrustedAnswer.objects.create(
        topic=t, community=t.community, body=body, reported_by=user, reported_at=reported,
        reported_on=timezone.localtime(reported).date(), report_text="协商结果", answer_days=10,
        due_date=due, state="answered" if answered else "awaiting",
        answer_text="书面答复" if answered else "", adoption="adopted" if answered else "",
        answered_by=user if answered else None, answered_at=answered,
        answered_on=timezone.localtime(answered).date() if answered else None,
    )


def assembly(community: Place, *, kind: str, held_on: date,
             title: str = "村级道路硬化") -> Assembly:
    """An assembly of ``kind`` held and decided on ``held_on``, on a topic of its own."""
    t = topic(community, title=title, created=at(held_on.year, held_on.month, held_on.day)
              - timedelta(days=20), state="decided")
    return Assembly.objects.create(
        topic=t, kind=kind, noticed_on=held_on - timedelta(days=10), held_on=held_on,
        location="会议室", eligible=30, present=25, yes=20, no=3, abstain=2, passed=True,
        decision="通过", recorded_by=UserFactory(username="drafter"),
        decided_at=at(held_on.year, held_on.month, held_on.day, 16))


def refresh_figures() -> int:
    """Count the noted dashboard cells, as the commit of a real request would."""
    from yishi.ledger import figures

    return figures.refresh_all_pending()

