"""Reads the intake pages need, with their joins; the register counts thresholds use."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet

from yishi.places.models import Person, Place, Residence, Role, RoleKind
from yishi.places.rules import latest_birth_date_for_age

from .models import JointProposal, Opinion
from .rules import OPEN_OPINION_STATES, opinion_overdue


def register_q(community: Place, on: date) -> Q:
    """People on the community's register on ``on``."""
    return (
        Q(community=community, registered_on__lte=on)
        & (Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=on))
    )


def eligible_residents(community: Place, on: date, voting_age: int = 18, *,
                       resident_only: bool = True) -> int:
    """Registered residents of voting age on ``on`` (年满十八周岁, 以上 includes the day);
    without ``resident_only``, the household-registered (户籍) only."""
    born_by = latest_birth_date_for_age(voting_age, on)
    people = Person.objects.filter(register_q(community, on), birth_date__lte=born_by)
    if not resident_only:
        people = people.exclude(residence=Residence.RESIDENT)
    return people.count()


def is_eligible(person: Person, community: Place, on: date, voting_age: int = 18) -> bool:
    return (
        person.community_id == community.pk
        and person.registered_on <= on
        and (person.moved_out_on is None or person.moved_out_on > on)
        and person.birth_date is not None
        and person.birth_date <= latest_birth_date_for_age(voting_age, on)
    )


def representative_ids(community: Place, on: date) -> set[int]:
    return set(
        Role.objects.active(on)
        .filter(kind=RoleKind.REPRESENTATIVE, place__path__startswith=community.path)
        .values_list("person_id", flat=True)
    )


def opinions_for_resident(person: Person) -> QuerySet[Opinion]:
    return (
        Opinion.objects.filter(raised_by=person)
        .select_related("community")
        .order_by("-submitted_at")
    )


def staff_queue(scope: Q, *, today: date, only_open: bool = True) -> QuerySet[Opinion]:
    """The work queue: overdue first, then by due date."""
    from django.db.models import Case, IntegerField, Value, When

    qs = Opinion.objects.filter(scope)
    if only_open:
        qs = qs.filter(state__in=OPEN_OPINION_STATES)
    return (
        qs.select_related("community", "raised_by")
        .annotate(
            late_first=Case(
                When(due_date__lt=today, then=Value(0)), default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("late_first", "due_date", "submitted_at")
    )


def with_overdue(opinions: Iterable[Opinion], today: date) -> list[Opinion]:
    """The opinions (a page of them), each with ``overdue`` as ``rules.opinion_overdue`` says,
    for the lists to show; no query beyond reading them."""
    rows = list(opinions)
    for o in rows:
        o.overdue = opinion_overdue(o.state, o.due_date, today)  # type: ignore[attr-defined]
    return rows


def proposals_of_community(community: Place) -> QuerySet[JointProposal]:
    return (
        JointProposal.objects.filter(community=community)
        .exclude(state="draft")
        .select_related("proposer", "community")
        .order_by("-opened_at")
    )
