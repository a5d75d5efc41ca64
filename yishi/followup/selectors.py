"""Reads for the follow-up pages, the public topic page and the ledgers and dashboards.

The dashboard figures (``overdue_answers_count``, ``overdue_tasks_count``,
``overdue_by_community``) cost one query each whatever the size of the place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from yishi.consult.models import Topic, TopicKind
from yishi.consult.rules import TopicState
from yishi.core import clock
from yishi.places.models import Place, PlaceKind
from yishi.places.permissions import person_of, role_paths, staff_scope_q

from . import rules
from .access import BODY_ROLES, LEGAL_ADVISER_ROLES, has_legal_adviser, published_q
from .models import (
    Correction,
    Dissent,
    EntrustedAnswer,
    FollowupSettings,
    ImplementationTask,
    LegalOpinion,
    ProgressPhoto,
    TaskProgress,
)

# A government body that entrusts topics and answers them is registered as one of these.
BODY_KINDS = frozenset({PlaceKind.STREET, PlaceKind.DISTRICT, PlaceKind.CITY})


# --- Dashboard figures ---------------------------------------------------------------------


def overdue_answers_count(place: Place, today: date) -> int:
    """Entrusted topics under ``place`` whose written answer is past due and still missing."""
    return EntrustedAnswer.objects.within(place).overdue(today).count()


def overdue_tasks_count(place: Place, today: date) -> int:
    """Implementation tasks under ``place`` not done by their deadline."""
    return ImplementationTask.objects.within(place).overdue(today).count()


def overdue_by_community(place: Place, today: date) -> dict[int, dict[str, int]]:
    """``{community_id: {"answers": n, "tasks": m}}`` for every place under ``place`` with
    something overdue (two grouped queries)."""
    result: dict[int, dict[str, int]] = defaultdict(lambda: {"answers": 0, "tasks": 0})
    for row in (EntrustedAnswer.objects.within(place).overdue(today)
                .values("community_id").annotate(n=Count("id"))):
        result[row["community_id"]]["answers"] = row["n"]
    for row in (ImplementationTask.objects.within(place).overdue(today)
                .values("community_id").annotate(n=Count("id"))):
        result[row["community_id"]]["tasks"] = row["n"]
    return dict(result)


# --- Configuration ---------------------------------------------------------------------------


def answer_days_for(community: Place, body: Place | None = None) -> int:
    """Working days the body has to answer: the body's setting, else the community's, else 10."""
    ids = [p.pk for p in (body, community) if p is not None]
    found = dict(FollowupSettings.objects.filter(place_id__in=ids)
                 .values_list("place_id", "answer_days"))
    for pk in ids:
        if pk in found:
            return int(found[pk])
    return rules.ANSWER_WORKING_DAYS


def entrusting_body_for(topic: Topic) -> Place | None:
    """The registered body named in ``topic.entrusted_by``, in the topic's city.

    An ancestor of the topic's place wins over a namesake elsewhere; two namesakes that
    are not ancestors are ambiguous and give None (staff then choose the body).
    """
    name = (topic.entrusted_by or "").strip()
    if not name:
        return None
    root = topic.community.path.split("/")[1] if topic.community.path else ""
    candidates = list(Place.objects.filter(name=name, kind__in=BODY_KINDS,
                                           path__startswith=f"/{root}/"))
    above = [p for p in candidates if topic.community.path.startswith(p.path)]
    if len(above) == 1:
        return above[0]
    if len(candidates) == 1:
        return candidates[0]
    return None


# --- Staff lists ---------------------------------------------------------------------------


def tasks_for_staff(user: Any, today: date | None = None) -> QuerySet[ImplementationTask]:
    """Tasks of the user's communities: overdue first, then open by deadline, done last."""
    today = today or clock.localdate()
    return (
        ImplementationTask.objects.filter(staff_scope_q(user, "community__path"))
        .select_related("topic", "community", "owner_person", "owner_place")
        .annotate(rank=Case(
            When(Q(deadline__lt=today) & ~Q(state=rules.TaskState.DONE), then=Value(0)),
            When(state=rules.TaskState.DONE, then=Value(2)),
            default=Value(1), output_field=IntegerField(),
        ))
        .order_by("rank", "deadline", "id")
    )


def tasks_owned_by(user: Any) -> QuerySet[ImplementationTask]:
    """Open tasks the user is responsible for, in person or through a body they serve."""
    me = person_of(user)
    q = Q(owner_place__path__in=role_paths(user, BODY_ROLES))
    if me is not None:
        q |= Q(owner_person=me)
    return (ImplementationTask.objects.open().filter(q)
            .select_related("topic", "community", "owner_person", "owner_place")
            .order_by("deadline", "id"))


def tasks_of_topic(topic: Topic) -> QuerySet[ImplementationTask]:
    return (ImplementationTask.objects.filter(topic=topic).select_related("owner_person", "owner_place")
            .annotate(updates=Count("progress")).order_by("deadline", "id"))


def answers_for_body_user(user: Any) -> QuerySet[EntrustedAnswer]:
    """What the user's bodies must answer (awaiting first, by due date), and what they did."""
    paths = role_paths(user, BODY_ROLES)
    return (
        EntrustedAnswer.objects.filter(body__path__in=paths)
        .select_related("topic", "community", "body")
        .annotate(rank=Case(When(state=rules.AnswerState.AWAITING, then=Value(0)),
                            default=Value(1), output_field=IntegerField()))
        .order_by("rank", "due_date", "id")
    )


def answers_for_staff(user: Any) -> QuerySet[EntrustedAnswer]:
    return (EntrustedAnswer.objects.filter(staff_scope_q(user, "community__path"))
            .select_related("topic", "community", "body").order_by("state", "due_date", "id"))


def with_overdue_tasks(tasks: Iterable[ImplementationTask], today: date
                       ) -> list[ImplementationTask]:
    """The tasks (a page of them), each with ``overdue`` as ``rules.task_overdue`` says."""
    rows = list(tasks)
    for task in rows:
        task.overdue = rules.task_overdue(task.state, task.deadline,  # type: ignore[attr-defined]
                                          today)
    return rows


def with_overdue_answers(answers: Iterable[EntrustedAnswer], today: date
                         ) -> list[EntrustedAnswer]:
    """The answers, each with ``overdue`` as ``rules.answer_overdue`` says."""
    rows = list(answers)
    for answer in rows:
        answer.overdue = rules.answer_overdue(  # type: ignore[attr-defined]
            answer.state, answer.due_date, today)
    return rows


def dissents_of_topic(topic: Topic) -> QuerySet[Dissent]:
    return (Dissent.objects.filter(topic=topic)
            .select_related("explanation__explained_by", "person", "participant")
            .order_by("marked_at", "id"))


def dissenters_without_explanation(topic: Topic) -> QuerySet[Dissent]:
    """Dissenters on the topic nobody has explained the outcome to yet (000 §(二)(5))."""
    return Dissent.objects.filter(topic=topic, explanation__isnull=True).order_by("marked_at", "id")


# Topic states in which an outcome awaits publication (a legal opinion is due before it).
BEFORE_PUBLICATION = (TopicState.CONSENSUS, TopicState.DECIDED, TopicState.MINUTES_SIGNED,
                      TopicState.FILED)


def awaiting_legal_opinion(user: Any) -> QuerySet[Topic]:
    """Major outcomes not yet published, in the communities the user is legal adviser to,
    that have no legal opinion yet (000 §(四)(2)); one query."""
    paths = role_paths(user, LEGAL_ADVISER_ROLES)
    if not paths:
        return Topic.objects.none()
    scope = Q()
    for p in paths:
        scope |= Q(community__path__startswith=p)
    return (Topic.objects.filter(scope, kind=TopicKind.MAJOR, state__in=BEFORE_PUBLICATION,
                                 outcome__isnull=False, legal_opinions__isnull=True)
            .select_related("community").order_by("id"))


def duties_of(topic: Topic, today: date | None = None) -> rules.Duties:
    """The follow-up facts ``rules.check_duties`` judges a topic's outcome step by."""
    return rules.Duties(
        unexplained=dissenters_without_explanation(topic).count(),
        open_correction=Correction.objects.filter(topic=topic, corrected_at__isnull=True)
        .exists(),
        major=bool(topic.is_major),
        legal_adviser=has_legal_adviser(topic.community, today or clock.localdate()),
        legal_opinion=LegalOpinion.objects.filter(topic=topic).exists(),
    )


# --- Public progress ---------------------------------------------------------------------------


def is_published(topic: Topic, today: date | None = None) -> bool:
    today = today or clock.localdate()
    return Topic.objects.filter(published_q(today), pk=topic.pk).exists()


def public_progress(topic: Topic, today: date | None = None) -> list[ImplementationTask]:
    """Tasks with their progress and photos, for the topic's public page.

    Empty unless the outcome was published: progress is public only after 公示. Owners
    who are residents are shown masked by the template; nobody's contact data is loaded.
    """
    today = today or clock.localdate()
    if not is_published(topic, today):
        return []
    photos = Prefetch("photos", queryset=ProgressPhoto.objects.order_by("id"))
    progress = Prefetch("progress", queryset=TaskProgress.objects.order_by("at", "id")
                        .prefetch_related(photos))
    tasks = list(ImplementationTask.objects.filter(topic=topic).select_related("owner_person", "owner_place")
                 .prefetch_related(progress).order_by("deadline", "id"))
    return with_overdue_tasks(tasks, today)
