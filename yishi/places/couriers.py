"""Opinion couriers' appointments (民情专递员, 002 一聘): the open recruitment, the one-year
appointment, the yearly assessment and the reappointment for the next year.

Each action takes a keyword-only ``actor`` (staff of the community or above it), refuses
with a ``RuleViolation`` citing ``002 一聘`` before writing anything, and writes in one
transaction with one audit event (ids only). An appointment grants the courier ``Role`` of
exactly its term, so the permissions that read roles (``is_courier_at``) keep working.
Re-exported from ``yishi.places.services``.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from yishi.core import audit, clock
from yishi.core.exceptions import PermissionDenied, RuleViolation

from . import rules
from .models import (
    AssessmentResult,
    CommitteeMembership,
    CourierAppointment,
    CourierAssessment,
    CourierRecruitment,
    Person,
    Place,
    PlaceKind,
    Role,
    RoleKind,
)
from .permissions import is_staff_at

CLAUSE = rules.COURIER_CLAUSE
MAX_SUBSIDY = Decimal("999999.99")


def _refuse(message: str, rule: str = "input") -> RuleViolation:
    return RuleViolation(message, rule=rule, clause=CLAUSE)


def _require_staff(actor: Any, community: Place) -> None:
    if community.kind != PlaceKind.COMMUNITY:
        raise RuleViolation(_("Choose a community or village."), rule="place")
    if not is_staff_at(actor, community):
        raise PermissionDenied(_("Only staff of this community can recruit, appoint and "
                                 "assess its opinion couriers."), rule="staff", clause=CLAUSE)


def _text(value: object, max_length: int, what: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise _refuse(_("Fill in %(what)s.") % {"what": what})
    if len(text) > max_length:
        raise _refuse(_("%(what)s is at most %(n)d characters.") % {"what": what,
                                                                   "n": max_length})
    return text


def _date(value: object) -> date:
    if not isinstance(value, date):
        raise _refuse(_("Give the date."), rule="date")
    return value


def _subsidy(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _refuse(_("The subsidy is an amount in yuan.")) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_SUBSIDY:
        raise _refuse(_("The subsidy is an amount in yuan, from 0 to 999999.99."))
    return amount.quantize(Decimal("0.01"))


def _is_resident(person: Person, community: Place, on: date) -> bool:
    return person.community_id == community.pk and (
        person.moved_out_on is None or person.moved_out_on > on)


def _appointment_refusals(*, community: Place, person: Person, start: date, end: date) -> None:
    """What refuses an appointment of ``person`` as a courier of ``community`` for
    ``start``–``end``, whatever it comes from (a recruitment or the term before)."""
    rules.check_courier_term(start, end)
    if not _is_resident(person, community, start):
        raise _refuse(_("A courier is a resident of the community; record the person in "
                        "its register first."), rule="courier_resident")
    # 002 一聘: not street staff, not a member of the two committees, on the term's start.
    held = list(Role.objects.active(start).filter(person=person).exclude(kind=RoleKind.COURIER)
                .values_list("kind", "place__kind"))
    seats = list(CommitteeMembership.objects.filter(
        person=person, term_start__lte=start).filter(
        Q(term_end__isnull=True) | Q(term_end__gte=start)).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)).values_list("seat", flat=True))
    rules.check_courier_eligible(roles=held, seats=seats)
    # One courier term at a time: the roles of the community's earlier appointments, and any
    # courier role granted there before appointments were recorded.
    terms = list(Role.objects.filter(person=person, kind=RoleKind.COURIER,
                                     place__path__startswith=community.path)
                 .values_list("start", "end"))
    rules.check_courier_overlap(start, end, terms)


def record_recruitment(*, actor: Any, community: Place, announced_on: date,
                       announced_where: str, closes_on: date) -> CourierRecruitment:
    """公开招聘: the community announced an open recruitment of couriers (where, when, and
    until when applications are taken)."""
    _require_staff(actor, community)
    where = _text(announced_where, 200, _("where it was announced"))
    rules.check_recruitment_dates(_date(announced_on), _date(closes_on), clock.localdate())
    with transaction.atomic():
        recruitment = CourierRecruitment.objects.create(
            community=community, announced_on=announced_on, announced_where=where,
            closes_on=closes_on)
        audit.record(actor=actor, action="courier.recruit", obj=recruitment,
                     after={"community": community.pk, "announced_on": announced_on,
                            "closes_on": closes_on})
    return recruitment


def appoint_courier(*, actor: Any, recruitment: CourierRecruitment, person: Person,
                    term_start: date, subsidy: object) -> CourierAppointment:
    """聘任: appoint a person recruited openly as the community's courier for one year."""
    community = recruitment.community
    _require_staff(actor, community)
    start = _date(term_start)
    amount = _subsidy(subsidy)
    end = rules.courier_term_end(start)
    rules.check_appointment_after_recruitment(recruitment.closes_on, start)
    with transaction.atomic():
        # Lock the person: two appointments of the same person at once must not both find
        # no term in the way.
        person = Person.objects.select_for_update().get(pk=person.pk)
        _appointment_refusals(community=community, person=person, start=start, end=end)
        appointment = _appoint(community=community, person=person, recruitment=recruitment,
                               previous=None, start=start, end=end, subsidy=amount)
        audit.record(actor=actor, action="courier.appoint", obj=appointment,
                     after={"community": community.pk, "person": person.pk,
                            "recruitment": recruitment.pk, "role": appointment.role_id,
                            "term_start": start, "term_end": end,
                            "subsidy": None if amount is None else str(amount)})
    return appointment


def _appoint(*, community: Place, person: Person, recruitment: CourierRecruitment,
             previous: CourierAppointment | None, start: date, end: date,
             subsidy: Decimal | None) -> CourierAppointment:
    role = Role.objects.create(person=person, place=community, kind=RoleKind.COURIER,
                               start=start, end=end)
    return CourierAppointment.objects.create(
        community=community, person=person, recruitment=recruitment, previous=previous,
        role=role, term_start=start, term_end=end, subsidy=subsidy)


def assess_courier(*, actor: Any, appointment: CourierAppointment, assessed_on: date,
                   result: str, comment: str, assessed_by: str) -> CourierAssessment:
    """一年一考核: record the yearly assessment of a courier's term (once per term)."""
    _require_staff(actor, appointment.community)
    on = _date(assessed_on)
    if result not in AssessmentResult.values:
        raise _refuse(_("Choose one of the results."))
    text = _text(comment, 1000, _("the comment"))
    by = _text(assessed_by, 100, _("who assessed"))
    with transaction.atomic():
        # Lock the appointment: two assessments at once must not both find it unassessed.
        locked = CourierAppointment.objects.select_for_update().get(pk=appointment.pk)
        if CourierAssessment.objects.filter(appointment=locked).exists():
            raise _refuse(_("This term has already been assessed."), rule="courier_assessed")
        rules.check_assessment_date(locked.term_start, on, clock.localdate())
        assessment = CourierAssessment.objects.create(
            appointment=locked, assessed_on=on, result=result, comment=text, assessed_by=by)
        audit.record(actor=actor, action="courier.assess", obj=assessment,
                     after={"appointment": locked.pk, "assessed_on": on, "result": result})
    return assessment


def reappoint_courier(*, actor: Any, appointment: CourierAppointment,
                      subsidy: object) -> CourierAppointment:
    """一年一聘: the courier serves the next year, from the day after the term ends, once the
    term has been assessed (and not as incompetent)."""
    _require_staff(actor, appointment.community)
    amount = _subsidy(subsidy)
    with transaction.atomic():
        # Lock the appointment, then the person (the order appoint_courier keeps for the
        # person): two reappointments at once must not both find no next term.
        old = (CourierAppointment.objects.select_for_update(of=("self",))
               .select_related("community", "recruitment", "role").get(pk=appointment.pk))
        person = Person.objects.select_for_update().get(pk=old.person_id)
        if CourierAppointment.objects.filter(previous=old).exists():
            raise _refuse(_("This courier has already been reappointed for the next year."),
                          rule="courier_reappointed")
        result = (CourierAssessment.objects.filter(appointment=old)
                  .values_list("result", flat=True).first())
        ended_early = old.role.end is not None and old.role.end < old.term_end
        rules.check_reappointment(assessment_result=result, ended_early=ended_early)
        start = old.term_end + timedelta(days=1)
        end = rules.courier_term_end(start)
        _appointment_refusals(community=old.community, person=person, start=start, end=end)
        new = _appoint(community=old.community, person=person, recruitment=old.recruitment,
                       previous=old, start=start, end=end, subsidy=amount)
        audit.record(actor=actor, action="courier.reappoint", obj=new,
                     before={"appointment": old.pk, "result": result},
                     after={"person": person.pk, "role": new.role_id, "term_start": start,
                            "term_end": end,
                            "subsidy": None if amount is None else str(amount)})
    return new
