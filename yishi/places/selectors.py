"""Reads over places and people that the pages of every app need; no writes here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from yishi.core.crypto import blind_index

from .models import (
    CourierAppointment,
    CourierAssessment,
    Person,
    Place,
    PlaceKind,
    Role,
    RoleKind,
)
from .permissions import role_paths
from .rules import ASSESSMENT_FAILED, is_valid_id_number, is_valid_phone


def courier_communities(user: object) -> QuerySet[Place]:
    """Communities where the user serves as an opinion courier (民情专递员): every community
    under a place where they hold an active courier role, by path."""
    paths = role_paths(user, {RoleKind.COURIER})
    if not paths:
        return Place.objects.none()
    q = Q()
    for p in paths:
        q |= Q(path__startswith=p)
    return Place.objects.filter(q, kind=PlaceKind.COMMUNITY).order_by("path")


def residents_by_number(key: str, communities: Iterable[Place] | QuerySet[Place]
                        ) -> QuerySet[Person]:
    """Residents of ``communities`` whose mobile or ID number is ``key``.

    Found by number only, never picked from a list of everyone: a key that is neither an
    11-digit mobile nor an 18-character ID number finds nobody.
    """
    key = (key or "").strip().upper()
    if not (is_valid_phone(key) or is_valid_id_number(key)):
        return Person.objects.none()
    # Through the blind indexes: the numbers themselves are stored encrypted.
    by_number = (Q(personal__phone_index=blind_index("phone", key))
                 | Q(personal__id_number_index=blind_index("id_number", key)))
    return (Person.objects.filter(by_number, community__in=communities)
            .select_related("community").order_by("pk"))


def residents_for_courier(user: object, key: str) -> QuerySet[Person]:
    """Residents a courier may record an opinion for, by mobile or ID number, in every
    community they serve (one query)."""
    return residents_by_number(key, courier_communities(user))


# --- Opinion couriers' appointments (002 一聘) --------------------------------------------

# The list keeps a term for a year after it ends, and calls its assessment due in the term's
# last two months (一年一考核 comes before the next year's appointment).
COURIER_HISTORY_DAYS = 365
ASSESSMENT_DUE_DAYS = 60


@dataclass(frozen=True)
class CourierTerm:
    """A courier's term as the community's list shows it."""

    appointment: CourierAppointment
    status: str  # "serving", "upcoming" or "ended"
    assessment: CourierAssessment | None
    assessment_due: bool
    can_assess: bool
    can_reappoint: bool
    reappointed: bool

    @property
    def last_day(self) -> date:
        role_end = self.appointment.role.end
        return min(role_end, self.appointment.term_end) if role_end else self.appointment.term_end


def _assessment(appointment: CourierAppointment) -> CourierAssessment | None:
    try:
        return appointment.assessment
    except CourierAssessment.DoesNotExist:
        return None


def _reappointed(appointment: CourierAppointment) -> bool:
    try:
        return appointment.next_term is not None
    except CourierAppointment.DoesNotExist:
        return False


def courier_term(appointment: CourierAppointment, today: date) -> CourierTerm:
    """One term with what the staff can do about it today (reads no more rows: the
    appointment comes with its role, assessment and next term)."""
    role_end = appointment.role.end
    last = min(role_end, appointment.term_end) if role_end else appointment.term_end
    ended_early = last < appointment.term_end
    status = ("upcoming" if appointment.term_start > today
              else "serving" if last >= today else "ended")
    assessment = _assessment(appointment)
    reappointed = _reappointed(appointment)
    return CourierTerm(
        appointment=appointment, status=status, assessment=assessment,
        assessment_due=(assessment is None and status != "upcoming" and not ended_early
                        and (appointment.term_end - today).days <= ASSESSMENT_DUE_DAYS),
        can_assess=assessment is None and status != "upcoming",
        can_reappoint=(assessment is not None and assessment.result != ASSESSMENT_FAILED
                       and not reappointed and not ended_early),
        reappointed=reappointed,
    )


def _courier_appointments() -> QuerySet[CourierAppointment]:
    return CourierAppointment.objects.select_related(
        "person", "role", "assessment", "next_term", "recruitment", "community")


def community_couriers(community: Place, today: date) -> list[CourierTerm]:
    """The community's couriers' terms, current and upcoming and those ended within a
    year, by name and then term (one query)."""
    since = today - timedelta(days=COURIER_HISTORY_DAYS)
    appointments = (_courier_appointments().filter(community=community, term_end__gte=since)
                    .order_by("person__name", "person_id", "term_start"))
    return [courier_term(a, today) for a in appointments]


def couriers_without_appointment(community: Place, today: date) -> QuerySet[Role]:
    """Courier roles held today in the community that no appointment records (granted
    before appointments were recorded, or in the admin)."""
    return (Role.objects.active(today)
            .filter(kind=RoleKind.COURIER, place__path__startswith=community.path,
                    courier_appointment__isnull=True)
            .select_related("person", "place").order_by("person__name", "pk"))


def courier_appointment(appointment_id: int) -> CourierAppointment | None:
    return _courier_appointments().filter(pk=appointment_id).first()
