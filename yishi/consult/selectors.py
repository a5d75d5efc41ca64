"""Reads the consultation pages need, with their joins; no writes here."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

from django.db.models import CharField, Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from yishi.core import clock
from yishi.core.models import AuditEvent
from yishi.places.models import CommitteeMembership, Place, PlaceKind, Role, RoleKind, Seat
from yishi.places.permissions import staff_scope_q

from . import audit_words, rules
from .models import (
    Amendment,
    Assembly,
    Attendance,
    CatalogueItem,
    ConsultSettings,
    MajorityRule,
    Meeting,
    Minutes,
    Outcome,
    Participant,
    Plan,
    Speech,
    Topic,
    TopicTransition,
    Vote,
    XMember,
)

# --- Configuration ------------------------------------------------------------------------


def consult_settings(community: Place) -> ConsultSettings:
    """The community's settings, or the seeds' defaults (unsaved) when none are stored.

    No query when the community was read with them (``select_related("consult_settings")``).
    """
    if Place.consult_settings.is_cached(community):  # type: ignore[attr-defined]
        return getattr(community, "consult_settings", None) or ConsultSettings(
            community=community)
    found = ConsultSettings.objects.filter(community=community).first()
    return found or ConsultSettings(community=community)


def catalogue_for(community: Place) -> list[rules.CatalogueEntry]:
    """事项目录清单: the community's own list, else the default from 000 §(二)(1)."""
    own = list(CatalogueItem.objects.filter(community=community, active=True))
    if own:
        return [rules.CatalogueEntry(i.code, i.title, i.major, i.technical) for i in own]
    return list(rules.DEFAULT_CATALOGUE)


@dataclass(frozen=True)
class Majority:
    share: Fraction
    strict: bool
    base: str

    @property
    def label(self) -> str:
        return rules.rule_label(self.share, self.strict, self.base)


DEFAULT_MAJORITY = Majority(rules.HALF, True, "present")


def majority_for(community: Place, form: str) -> Majority:
    """The rule for this form, else the community's general rule, else more than half present."""
    found = {
        r.form: r for r in MajorityRule.objects.filter(community=community, form__in=[form, ""])
    }
    rule = found.get(form) or found.get("")
    if rule is None:
        return DEFAULT_MAJORITY
    return Majority(rule.share, rule.strict, rule.base)


# --- The committee -------------------------------------------------------------------------


def _serving(on: date) -> Q:
    return (Q(term_start__lte=on) & (Q(term_end__isnull=True) | Q(term_end__gte=on))
            & (Q(ended_on__isnull=True) | Q(ended_on__gte=on)))


@dataclass(frozen=True)
class Committee:
    """7+X on a day: who holds which fixed seat, and the topic's X members serving."""

    seat_holders: dict[str, int]  # seat -> person id; a vacant seat is absent
    x_members: frozenset[int]

    @property
    def size(self) -> int:
        """The quorum's base: the seven fixed seats plus X, filled or not."""
        return rules.committee_size(len(self.x_members))

    @property
    def person_ids(self) -> set[int]:
        return set(self.seat_holders.values()) | set(self.x_members)

    @property
    def vacant(self) -> list[str]:
        return vacant_seat_labels(self.seat_holders)

    def present_among(self, present: Collection[int]) -> int:
        return rules.members_present(seat_holders=self.seat_holders, x_members=self.x_members,
                                     present=present)


def vacant_seat_labels(filled: Collection[str]) -> list[str]:
    labels = dict(Seat.choices)
    return [str(labels[s]) for s in rules.vacant_seats(Seat.values, filled)]


def committee_of(topic: Topic, on: date | None = None) -> Committee:
    """The topic's 7+X committee on ``on`` (today): two queries."""
    on = on or clock.localdate()
    seats = dict(CommitteeMembership.objects.filter(_serving(on), community_id=topic.community_id)
                 .values_list("seat", "person_id"))
    x = XMember.objects.filter(topic=topic, ended_on__isnull=True)
    return Committee(seats, frozenset(x.values_list("person_id", flat=True)))


def committee_person_ids(topic: Topic, on: date | None = None) -> set[int]:
    """7+X: fixed seats serving on ``on`` plus the topic's X members still serving."""
    return committee_of(topic, on).person_ids


def incomplete_committees(communities: Iterable[Place], on: date | None = None
                          ) -> list[dict[str, Any]]:
    """The communities among ``communities`` whose seven fixed seats are not all filled on
    ``on``, each with the seats vacant (one query)."""
    on = on or clock.localdate()
    places = {c.pk: c for c in communities if c.kind == PlaceKind.COMMUNITY}
    filled: dict[int, set[str]] = {pk: set() for pk in places}
    for community_id, seat in (CommitteeMembership.objects
                               .filter(_serving(on), community_id__in=list(places))
                               .values_list("community_id", "seat")):
        filled[community_id].add(seat)
    return [{"community": places[pk], "filled": len(seats & set(Seat.values)),
             "seats": rules.FIXED_SEATS, "vacant": vacant_seat_labels(seats)}
            for pk, seats in filled.items() if len(seats & set(Seat.values)) < rules.FIXED_SEATS]


def fixed_seat_holders(community: Place, on: date | None = None) -> QuerySet[CommitteeMembership]:
    on = on or clock.localdate()
    return (
        CommitteeMembership.objects.filter(_serving(on), community=community)
        .select_related("person")
        .order_by("seat")
    )


def party_users(place: Place) -> list[Any]:
    """Accounts holding the party organisation's role at the place (for filings, 备案)."""
    return [
        r.person.user
        for r in Role.objects.active().filter(place=place, kind=RoleKind.PARTY)
        .select_related("person__user")
        if r.person.user is not None
    ]


# --- Meetings --------------------------------------------------------------------------------


def present_participants(meeting: Meeting) -> QuerySet[Participant]:
    return Participant.objects.filter(
        pk__in=Attendance.objects.filter(meeting=meeting).values("participant_id")
    ).select_related("person")


def attendance_counts(meeting: Meeting, topic: Topic | None = None) -> tuple[int, int, int]:
    """(present, committee members, committee members present): the committee is 7+X, so a
    vacant seat counts as a member absent."""
    committee = committee_of(topic or meeting.topic)
    present_people = list(
        Attendance.objects.filter(meeting=meeting).values_list("participant__person_id",
                                                                flat=True)
    )
    return len(present_people), committee.size, committee.present_among(present_people)


def meeting_console(meeting_id: int) -> Meeting | None:
    """Everything the meeting console shows, in a handful of queries."""
    return (
        Meeting.objects.select_related("topic__community", "plan__convener", "plan__recorder",
                                       "topic__proposer")
        .prefetch_related(
            Prefetch("plan__participants", queryset=Participant.objects.select_related("person")),
            Prefetch("attendance", queryset=Attendance.objects.select_related(
                "participant__person")),
            "steps",
            Prefetch("speeches", queryset=Speech.objects.select_related("participant__person")),
        )
        .filter(pk=meeting_id)
        .first()
    )


def vote_result(meeting: Meeting) -> rules.VoteExplanation | None:
    """The rule, the base and the arithmetic of the meeting's closed vote."""
    vote = getattr(meeting, "vote", None)
    if vote is None or vote.closed_at is None:
        return None
    return vote.explanation()


# --- Topics ----------------------------------------------------------------------------------


def topics_for_staff(user: Any) -> QuerySet[Topic]:
    return (
        Topic.objects.filter(staff_scope_q(user, "community__path"))
        .select_related("community", "proposer")
        .order_by("-created_at")
    )


def work_board(user: Any) -> dict[str, list[Topic]]:
    """The committee's board: open topics grouped by state, in workflow order."""
    board: dict[str, list[Topic]] = {s: [] for s in rules.TOPIC_STATES
                                      if s not in rules.TERMINAL_TOPIC_STATES}
    for topic in topics_for_staff(user).exclude(state__in=rules.TERMINAL_TOPIC_STATES):
        board[topic.state].append(topic)
    return board


def next_actions(topic: Topic) -> list[str]:
    """Actions the table allows from the topic's state (the board's 'what is due next')."""
    return rules.topic_actions(topic.state)


def board_topics(user: Any) -> QuerySet[Topic]:
    """Open topics of the user's communities with what ``board_facts`` reads: two queries
    whatever their number (the topics with plan and outcome; the meetings with minutes)."""
    return (
        topics_for_staff(user)
        .exclude(state__in=rules.TERMINAL_TOPIC_STATES)
        .select_related("plan", "outcome")
        .prefetch_related(Prefetch("meetings", queryset=Meeting.objects.select_related("minutes")
                                   .order_by("number")))
    )


def board_facts(topic: Topic, now: datetime) -> rules.BoardFacts:
    """What ``rules.due_next`` needs of a topic from ``board_topics`` (no further query)."""
    plan = getattr(topic, "plan", None)
    meetings = list(topic.meetings.all())
    active = [m for m in meetings if m.state in rules.ACTIVE_MEETING_STATES]
    latest = active[-1] if active else None
    outcome = getattr(topic, "outcome", None)
    return rules.BoardFacts(
        state=topic.state,
        major=topic.is_major,
        has_plan=plan is not None,
        plan_approved=bool(plan is not None and plan.approved),
        send_notices_by=(timezone.localtime(plan.starts_at - timedelta(days=plan.notice_days))
                         if plan is not None else None),
        meeting_number=latest.number if latest else None,
        meeting_at=timezone.localtime(latest.starts_at) if latest else None,
        meeting_scheduled=latest is not None and latest.state == rules.MeetingState.SCHEDULED,
        unsigned_minutes=sum(1 for m in meetings if getattr(m, "minutes", None) is not None
                             and not m.minutes.frozen),
        published_until=outcome.published_until if outcome is not None else None,
        now=now,
    )


def topic_audit_trail(topic: Topic) -> list[AuditEvent]:
    """The audit events of a topic and of what belongs to it (plan, meetings, votes, minutes,
    amendments, X members), oldest first, with their actors: one query."""

    def ids(qs: QuerySet[Any]) -> QuerySet[Any]:
        # AuditEvent.object_id is text; compare it with the primary keys as text.
        return qs.annotate(audit_id=Cast("pk", CharField())).values("audit_id")

    owned: dict[str, QuerySet[Any]] = {
        "consult.plan": Plan.objects.filter(topic=topic),
        "consult.meeting": Meeting.objects.filter(topic=topic),
        "consult.vote": Vote.objects.filter(meeting__topic=topic),
        "consult.minutes": Minutes.objects.filter(meeting__topic=topic),
        "consult.amendment": Amendment.objects.filter(minutes__meeting__topic=topic),
        "consult.xmember": XMember.objects.filter(topic=topic),
    }
    q = Q(object_type="consult.topic", object_id=str(topic.pk))
    for object_type, rows in owned.items():
        q |= Q(object_type=object_type, object_id__in=ids(rows))
    events = list(AuditEvent.objects.filter(q).select_related("actor__person").order_by("id"))
    for e in events:
        e.sentence = audit_words.sentence(e)  # type: ignore[attr-defined]
    return events


def file_topics() -> QuerySet[Topic]:
    """Topics with everything their file page shows of one-to-one records joined in: the
    community with its settings, proposer and merged-into topic, the plan with its convener
    and recorder, the outcome, the risk assessment, and the id of the public notice (公示)
    of the outcome."""
    from yishi.disclosure.models import Notice

    notice = (Notice.objects.filter(source_type="consult.topic", source_id=OuterRef("pk"))
              .order_by("-starts_on", "-id").values("pk")[:1])
    return (
        Topic.objects.select_related("community__consult_settings", "proposer", "merged_into",
                                     "plan__convener", "plan__recorder", "outcome", "risk")
        .annotate(public_notice_id=Subquery(notice))
    )


def topic_file(topic: Topic | int, *, with_audit: bool = True) -> dict[str, Any] | None:
    """一事一档: the whole history of one topic (transitions, plan, meetings, outcome, and
    unless ``with_audit`` is false, its audit trail).

    Given a topic read through ``file_topics``, five queries whatever the length of its
    history (one fewer without the audit trail, three fewer before its plan is drafted);
    given a pk, one more to read it.
    """
    if not isinstance(topic, Topic):
        found = file_topics().filter(pk=topic).first()
        if found is None:
            return None
        topic = found
    plan = getattr(topic, "plan", None)
    participants: list[Participant] = []
    meetings: list[Meeting] = []
    assemblies: list[Assembly] = []
    # Meetings are held under the plan and assemblies follow a meeting: a topic still
    # being screened has none of them, and its page does not ask.
    if plan is not None:
        participants = list(plan.participants.select_related("person"))
        meetings = list(topic.meetings.select_related("vote", "minutes")
                        .annotate(present=Count("attendance", distinct=True)))
        assemblies = list(topic.assemblies.order_by("held_on", "id"))
    return {
        "topic": topic,
        "transitions": list(TopicTransition.objects.filter(topic=topic).select_related("actor")),
        "plan": plan,
        "participants": participants,
        "meetings": meetings,
        "outcome": getattr(topic, "outcome", None),
        "assemblies": assemblies,
        "audit": topic_audit_trail(topic) if with_audit else [],
    }


def topics_of_proposer(person: Any) -> QuerySet[Topic]:
    return Topic.objects.filter(proposer=person).select_related("community").order_by("-created_at")


def public_notices(place: Place, today: date | None = None) -> QuerySet[Outcome]:
    """Outcomes on the notice board today, for the place and what lies beneath it.

    Readable without signing in: callers show topic title, outcome text and dates only.
    """
    today = today or clock.localdate()
    return (
        Outcome.objects.filter(
            topic__community__path__startswith=place.path,
            published_from__lte=today, published_until__gte=today,
        )
        .select_related("topic__community")
        .order_by("-published_from", "-id")
    )
