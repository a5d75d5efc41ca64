"""Places actions: the resident register import, the 7+X committee and roles.

Each action takes a keyword-only ``actor``, checks permission, refuses with a
``RuleViolation`` before writing anything, and writes in one transaction with one audit
event (ids and counts only: personal data stays out of the audit log).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import IO, Any, TypeVar, cast

from django.conf import settings
from django.core.files import File
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from yishi.core import audit, clock, hooks
from yishi.core.crypto import blind_index
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import Duty
from yishi.core.services import duty_of

from . import rules
from .importers import RegisterFileError, RegisterRow, RowError, read_register
from .models import (
    CommitteeMembership,
    Household,
    Person,
    PersonalData,
    Place,
    PlaceKind,
    Role,
    RoleKind,
    Seat,
)
from .permissions import is_staff_at
from .rules import term_end

COMMITTEE_CLAUSE = "000 §(二)(2)"
_CHUNK = 500  # ids per IN (...) query, well under every backend's parameter limit

T = TypeVar("T")


def _chunks(items: Sequence[T]) -> Iterable[Sequence[T]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def _check_community(community: Place) -> None:
    if community.kind != PlaceKind.COMMUNITY:
        raise RuleViolation(_("Choose a community or village."), rule="place")


# --- Resident register import -----------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did. Lines are spreadsheet lines; ``errors`` may hold several per line.

    Semantics ("nothing is half-imported"): the whole file is read and every row checked
    first; a refused file writes nothing. The good rows are then written in one
    transaction — all of them, or none if the database fails — and the bad rows are
    skipped and listed with their reasons, to be corrected and imported again. A
    re-import updates the people it matches instead of adding them twice.
    """

    community_id: int
    format: str = ""
    rows: int = 0
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    groups_created: int = 0
    buildings_created: int = 0
    households_created: int = 0
    representatives_granted: int = 0
    representatives_ended: int = 0

    @property
    def skipped(self) -> list[int]:
        return sorted({e.line for e in self.errors})

    @property
    def imported(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows, "created": len(self.created), "updated": len(self.updated),
            "unchanged": len(self.unchanged), "skipped": len(self.skipped),
            "errors": len(self.errors), "groups_created": self.groups_created,
            "buildings_created": self.buildings_created,
            "households_created": self.households_created,
            "representatives_granted": self.representatives_granted,
            "representatives_ended": self.representatives_ended,
        }


def import_register(*, actor: Any, community: Place, file: IO[bytes] | File) -> ImportReport:
    """Import a resident register (居民花名册) into ``community``; staff of it only.

    People are matched by ID number; a row without one matches a person of the community
    with the same household number and name who has no ID number on record. A blank
    optional cell (phone, representative) leaves the stored value as it is; 否 in the
    representative column ends that person's representative role.
    """
    _check_community(community)
    if not is_staff_at(actor, community):
        raise PermissionDenied(_("Only staff of this community can import its register."),
                               rule="staff")
    max_bytes: int = settings.YISHI_MAX_REGISTER_BYTES
    size = getattr(file, "size", None)
    if isinstance(size, int) and size > max_bytes:
        raise RegisterFileError(_("The file is larger than %(mb)d MB. Split it into smaller "
                                  "files.") % {"mb": max_bytes // 2**20})
    if hasattr(file, "seek"):
        file.seek(0)
    today = clock.localdate()
    parsed = read_register(cast(IO[bytes], file), name=str(getattr(file, "name", "") or ""),
                           max_bytes=max_bytes, today=today)
    report = ImportReport(community_id=community.pk, format=parsed.format, rows=parsed.data_rows,
                          errors=list(parsed.errors), ignored_columns=parsed.ignored_columns)
    if not parsed.rows:
        return report
    if hasattr(file, "seek"):
        file.seek(0)
    digest = hashlib.sha256(file.read(max_bytes)).hexdigest()
    try:
        with transaction.atomic():
            # Lock the community: two imports into it at once must not both create the same
            # household, group or person.
            Place.objects.select_for_update().get(pk=community.pk)
            matched = _match_people(community, parsed.rows, report, today)
            if matched:
                _write(community, matched, report, today)
                audit.record(actor=actor, action="register.import", obj=community,
                             after={**report.counts(), "format": report.format,
                                    "file_sha256": digest})
                # Eligibility may have changed: open joint proposals are recounted now.
                hooks.fire(hooks.REGISTER_CHANGED, actor=actor, community=community)
    except DatabaseError as e:
        raise RuleViolation(
            _("The register could not be saved, so nothing was imported. Someone may have "
              "changed the same people at the same moment; try again."), rule="register_db",
        ) from e
    report.errors.sort(key=lambda e: e.line)
    return report


def _match_people(community: Place, rows: list[RegisterRow], report: ImportReport,
                  today: date) -> list[tuple[RegisterRow, Person | None]]:
    """Find the person each row is about; rows that may not be imported go to the errors."""
    # By blind index: the ID numbers are stored encrypted (yishi.core.fields).
    by_id: dict[str, PersonalData] = {}
    ids = [r.id_number for r in rows if r.id_number]
    for chunk in _chunks(ids):
        for found in PersonalData.objects.select_related("person").with_id_numbers(chunk):
            assert found.id_number_index is not None
            by_id[found.id_number_index] = found
    # People of this community with no ID number on record, by (household number, name).
    by_name: dict[tuple[str, str], Person] = {}
    for p in (Person.objects.filter(community=community, household__isnull=False)
              .filter(Q(personal__isnull=True) | Q(personal__id_number__isnull=True))
              .select_related("household")):
        assert p.household is not None
        by_name.setdefault((p.household.number, p.name), p)

    matched: list[tuple[RegisterRow, Person | None]] = []
    seen: dict[int, int] = {}
    for row in rows:
        person: Person | None = None
        index = blind_index("id_number", row.id_number)
        pd = by_id.get(index) if index else None
        if pd is not None:
            person = pd.person
            lives_elsewhere = (person.community_id not in (None, community.pk)
                               and (person.moved_out_on is None or person.moved_out_on > today))
            if lives_elsewhere:
                report.errors.append(RowError(row.line, _(
                    "This ID number is registered in another community; that community must "
                    "record the move out first.")))
                continue
        else:
            person = by_name.get((row.household, row.name))
        if person is not None:
            if person.pk in seen:
                report.errors.append(RowError(row.line, _(
                    "This row is about the same person as line %(line)d.")
                    % {"line": seen[person.pk]}))
                continue
            seen[person.pk] = row.line
        matched.append((row, person))
    return matched


def _places(community: Place, rows: Iterable[RegisterRow], report: ImportReport
            ) -> dict[tuple[str, str], Place]:
    """The group or building of each row, created when missing; (no group) is the community."""
    groups = {p.name: p for p in Place.objects.filter(parent=community, kind=PlaceKind.GROUP)}
    buildings = {(p.parent_id, p.name): p for p in
                 Place.objects.filter(parent__in=list(groups.values()), kind=PlaceKind.BUILDING)}
    result: dict[tuple[str, str], Place] = {("", ""): community}
    for row in rows:
        key = (row.group, row.building)
        if key in result:
            continue
        group = groups.get(row.group)
        if group is None:
            group = Place.objects.create(name=row.group, kind=PlaceKind.GROUP, parent=community)
            groups[row.group] = group
            report.groups_created += 1
        place = group
        if row.building:
            building = buildings.get((group.pk, row.building))
            if building is None:
                building = Place.objects.create(name=row.building, kind=PlaceKind.BUILDING,
                                                parent=group)
                buildings[(group.pk, row.building)] = building
                report.buildings_created += 1
            place = building
        result[key] = place
    return result


def _write(community: Place, matched: list[tuple[RegisterRow, Person | None]],
           report: ImportReport, today: date) -> None:
    rows = [row for row, _p in matched]
    places = _places(community, rows, report)

    households = {h.number: h for h in Household.objects.filter(community=community)}
    new_households: dict[str, Household] = {}
    moved_households: list[Household] = []
    for row in rows:
        place = places[(row.group, row.building)]
        h = households.get(row.household)
        if h is None:
            h = Household(community=community, place=place, number=row.household)
            households[row.household] = new_households[row.household] = h
        elif h.place_id != place.pk and row.household not in new_households:
            h.place = place
            moved_households.append(h)
    Household.objects.bulk_create(list(new_households.values()))
    Household.objects.bulk_update(moved_households, ["place"])
    report.households_created = len(new_households)

    new_people: list[tuple[RegisterRow, Person]] = []
    changed_people: list[Person] = []
    personal_new: list[PersonalData] = []
    personal_changed: list[PersonalData] = []
    existing_pd = {pd.person_id: pd for chunk in _chunks(
        [p.pk for _r, p in matched if p is not None])
        for pd in PersonalData.objects.filter(person_id__in=chunk)}
    for row, person in matched:
        household = households[row.household]
        if person is None:
            person = Person(name=row.name, gender=row.gender, birth_date=row.birth_date,
                            community=community, household=household, registered_on=today,
                            residence=row.residence or "household")
            new_people.append((row, person))
            report.created.append(row.line)
            continue
        values: dict[str, Any] = {"name": row.name, "gender": row.gender or person.gender,
                                  "birth_date": row.birth_date, "community_id": community.pk,
                                  "household_id": household.pk,
                                  "residence": row.residence or person.residence}
        if person.community_id != community.pk:  # moved here from elsewhere
            values.update(registered_on=today, moved_out_on=None)
        changed = {k: v for k, v in values.items() if getattr(person, k) != v}
        for k, v in changed.items():
            setattr(person, k, v)
        if changed:
            changed_people.append(person)
        pd = existing_pd.get(person.pk)
        if pd is None:
            personal_new.append(PersonalData(person=person, phone=row.phone,
                                             id_number=row.id_number or None))
            changed = changed or {"personal": True}
        else:
            pd_values = {"phone": row.phone or pd.phone, "id_number": row.id_number or pd.id_number}
            pd_changed = {k: v for k, v in pd_values.items() if getattr(pd, k) != v}
            for k, v in pd_changed.items():
                setattr(pd, k, v)
            if pd_changed:
                personal_changed.append(pd)
                changed = changed or pd_changed
        (report.updated if changed else report.unchanged).append(row.line)

    Person.objects.bulk_create([p for _r, p in new_people])
    personal_new.extend(PersonalData(person=p, phone=r.phone, id_number=r.id_number or None)
                        for r, p in new_people)
    Person.objects.bulk_update(changed_people, ["name", "gender", "birth_date", "community",
                                                "household", "registered_on", "moved_out_on",
                                                "residence"])
    # (the blind indexes go with them: PersonalData's queryset adds them)
    PersonalData.objects.bulk_update(personal_changed, ["phone", "id_number"])
    PersonalData.objects.bulk_create(personal_new)

    people = [(r, p) for r, p in matched if p is not None] + new_people
    _sync_representatives(community, people, report, today)


def _sync_representatives(community: Place, people: list[tuple[RegisterRow, Person]],
                          report: ImportReport, today: date) -> None:
    """是 grants an active representative role at the community; 否 ends it; blank leaves it."""
    wanted = {p.pk for r, p in people if r.representative is True}
    unwanted = {p.pk for r, p in people if r.representative is False}
    if not wanted and not unwanted:
        return
    active: dict[int, list[Role]] = {}
    for chunk in _chunks(sorted(wanted | unwanted)):
        for role in Role.objects.active(today).filter(
            place=community, kind=RoleKind.REPRESENTATIVE, person_id__in=chunk
        ):
            active.setdefault(role.person_id, []).append(role)
    Role.objects.bulk_create([
        Role(person_id=pk, place=community, kind=RoleKind.REPRESENTATIVE, start=today)
        for pk in sorted(wanted) if pk not in active
    ])
    report.representatives_granted = len(wanted - active.keys())
    yesterday = today - timedelta(days=1)
    ended: list[Role] = []
    for pk in unwanted & active.keys():
        for role in active[pk]:
            # The role ends yesterday, so it is not active today; a role that began today
            # was never exercised and is removed rather than given an end before its start.
            if role.start > yesterday:
                role.delete()
            else:
                role.end = yesterday
                ended.append(role)
        report.representatives_ended += 1
    Role.objects.bulk_update(ended, ["end"])


# --- The 7+X consultation committee (000 §(二)(2)) ----------------------------------------


def _require_staff(actor: Any, community: Place) -> None:
    if not is_staff_at(actor, community):
        raise PermissionDenied(_("Only staff of this community can change its consultation "
                                 "committee."), rule="staff", clause=COMMITTEE_CLAUSE)


def _refuse(message: str, rule: str = "committee") -> RuleViolation:
    return RuleViolation(message, rule=rule, clause=COMMITTEE_CLAUSE)


def _last_day(m: CommitteeMembership) -> date | None:
    """The last day the member serves: the earlier of the term's end and an early end."""
    ends = [d for d in (m.term_end, m.ended_on) if d is not None]
    return min(ends) if ends else None


def _overlaps(m: CommitteeMembership, start: date, end: date) -> bool:
    last = _last_day(m)
    return m.term_start <= end and (last is None or last >= start)


def _is_resident(person: Person, community: Place, today: date) -> bool:
    return person.community_id == community.pk and (
        person.moved_out_on is None or person.moved_out_on > today
    )


def _appointment_refusals(*, actor: Any, community: Place, seat: str, person: Person,
                          term_start: date, today: date) -> list[CommitteeMembership]:
    """Refuse an appointment the committee rules forbid; the lapsed terms it would close."""
    _check_community(community)
    _require_staff(actor, community)
    if seat not in Seat.values:
        raise _refuse(_("Choose one of the seven seats."), rule="seat")
    end = term_end(term_start)
    if not _is_resident(person, community, today):
        raise _refuse(_("A seat holder must be a resident of this community."),
                      rule="resident")
    lapsed: list[CommitteeMembership] = []
    for m in CommitteeMembership.objects.filter(community=community, seat=seat):
        if m.ended_on is None and m.term_end is not None and m.term_end < term_start:
            lapsed.append(m)  # the term ran out but was never closed: close it now
        elif _overlaps(m, term_start, end):
            raise _refuse(
                _("The %(seat)s seat is held until %(date)s. End that term first.")
                % {"seat": Seat(seat).label, "date": _last_day(m) or "—"}, rule="occupied",
            )
    for m in CommitteeMembership.objects.filter(community=community,
                                                person=person).exclude(seat=seat):
        if _overlaps(m, term_start, end):
            raise _refuse(_("This person already holds the %(seat)s seat; one person "
                            "holds one seat.") % {"seat": m.get_seat_display()},
                          rule="one_seat")
    return lapsed


def check_appoint_seat(*, actor: Any, community: Place, seat: str, person: Person,
                       term_start: date) -> None:
    """Refuse as ``appoint_seat`` would, writing nothing (for a form's validation)."""
    _appointment_refusals(actor=actor, community=community, seat=seat, person=person,
                          term_start=term_start, today=clock.localdate())


def appoint_seat(*, actor: Any, community: Place, seat: str, person: Person,
                 term_start: date) -> CommitteeMembership:
    """Appoint a resident to one of the seven fixed seats for a three-year term."""
    _check_community(community)
    _require_staff(actor, community)
    end = term_end(term_start)
    today = clock.localdate()
    with transaction.atomic():
        # Lock the community: two appointments to the same seat at once must not both find
        # it free.
        Place.objects.select_for_update().get(pk=community.pk)
        person = Person.objects.get(pk=person.pk)
        lapsed = _appointment_refusals(actor=actor, community=community, seat=seat,
                                       person=person, term_start=term_start, today=today)
        for m in lapsed:
            m.ended_on = m.term_end
            m.save(update_fields=["ended_on"])
        membership = CommitteeMembership.objects.create(
            community=community, person=person, seat=seat, term_start=term_start, term_end=end,
        )
        audit.record(actor=actor, action="committee.appoint", obj=membership,
                     after={"community": community.pk, "seat": seat, "person": person.pk,
                            "term_start": term_start, "term_end": end,
                            "closed_lapsed": [m.pk for m in lapsed]})
    return membership


def renew_seat(*, actor: Any, membership: CommitteeMembership) -> CommitteeMembership:
    """可连任: the holder serves the next term, from the day after the current one ends."""
    _require_staff(actor, membership.community)
    with transaction.atomic():
        # Lock the row: two renewals at once must not both find the term still open.
        old = (CommitteeMembership.objects.select_for_update(of=("self",))
               .select_related("community", "person").get(pk=membership.pk))
        if old.term_end is None:
            raise _refuse(_("Only a fixed seat is renewed; X members serve one topic."),
                          rule="renew_x")
        if old.ended_on is not None:
            raise _refuse(_("This term has already ended; appoint the seat again instead."),
                          rule="ended")
        if not _is_resident(old.person, old.community, clock.localdate()):
            raise _refuse(_("A seat holder must be a resident of this community."),
                          rule="resident")
        start = old.term_end + timedelta(days=1)
        old.ended_on = old.term_end
        old.save(update_fields=["ended_on"])
        new = CommitteeMembership.objects.create(
            community=old.community, person=old.person, seat=old.seat, term_start=start,
            term_end=term_end(start),
        )
        audit.record(actor=actor, action="committee.renew", obj=new,
                     before={"membership": old.pk, "term_end": old.term_end},
                     after={"seat": new.seat, "person": new.person_id, "term_start": start,
                            "term_end": new.term_end})
    return new


def _end_seat_refusals(*, actor: Any, membership: CommitteeMembership, on: date) -> None:
    _require_staff(actor, membership.community)
    if membership.ended_on is not None:
        raise _refuse(_("This membership has already ended."), rule="ended")
    if on < membership.term_start:
        raise _refuse(_("A membership cannot end before it starts (%(date)s).")
                      % {"date": membership.term_start}, rule="end_date")
    if membership.term_end is not None and on > membership.term_end:
        raise _refuse(_("The term already ends on %(date)s.") % {"date": membership.term_end},
                      rule="end_date")


def check_end_seat(*, actor: Any, membership: CommitteeMembership, on: date) -> None:
    """Refuse as ``end_seat`` would, writing nothing (for a form's validation)."""
    stored = CommitteeMembership.objects.select_related("community").get(pk=membership.pk)
    _end_seat_refusals(actor=actor, membership=stored, on=on)


def end_seat(*, actor: Any, membership: CommitteeMembership, on: date) -> CommitteeMembership:
    """End a membership early (resignation, moving away); ``on`` is the last day served."""
    _require_staff(actor, membership.community)
    with transaction.atomic():
        # Lock the row: two ends at once must not both find the membership open.
        locked = (CommitteeMembership.objects.select_for_update(of=("self",))
                  .select_related("community").get(pk=membership.pk))
        _end_seat_refusals(actor=actor, membership=locked, on=on)
        locked.ended_on = on
        locked.save(update_fields=["ended_on"])
        audit.record(actor=actor, action="committee.end", obj=locked,
                     before={"ended_on": None}, after={"ended_on": on, "seat": locked.seat})
    return locked


# --- Roles held at places ------------------------------------------------------------------


def _require_role_staff(actor: Any, place: Place) -> None:
    # The security administrator (安全管理员, yishi.portal.duties) keeps roles everywhere.
    if duty_of(actor) == Duty.SECURITY:
        return
    if not is_staff_at(actor, place):
        raise PermissionDenied(_("Only staff of this place, or of a place above it, can grant "
                                 "or end its roles."), rule="staff")


def _grant_refusals(*, actor: Any, person: Person, kind: str, place: Place, start: date,
                    end: date | None, today: date) -> None:
    _require_role_staff(actor, place)
    if kind not in RoleKind.values:
        raise RuleViolation(_("Choose one of the roles."), rule="role_kind")
    rules.check_role_term(start, end)
    rules.check_role_place(kind, place.kind)
    if kind == RoleKind.REPRESENTATIVE:
        community = place if place.kind == PlaceKind.COMMUNITY else place.community
        if community is None or not _is_resident(person, community, today):
            raise RuleViolation(_("A residents' representative must be a resident of the "
                                  "community; record the person there first."),
                                rule="resident", clause=rules.REPRESENTATIVE_CLAUSE)
    held = Role.objects.filter(person=person, place=place, kind=kind).filter(
        Q(end__isnull=True) | Q(end__gte=start))
    if end is not None:
        held = held.filter(start__lte=end)
    first = held.order_by("start").first()
    if first is not None:
        raise RuleViolation(
            _("This person already holds this role here from %(start)s. End that role first, "
              "or grant it from a later day.") % {"start": first.start}, rule="role_held")


def check_grant_role(*, actor: Any, person: Person, kind: str, place: Place, start: date,
                     end: date | None) -> None:
    """Refuse as ``grant_role`` would, writing nothing (for a form's validation)."""
    _grant_refusals(actor=actor, person=person, kind=kind, place=place, start=start, end=end,
                    today=clock.localdate())


def grant_role(*, actor: Any, person: Person, kind: str, place: Place, start: date,
               end: date | None) -> Role:
    """Grant ``person`` the role ``kind`` at ``place`` from ``start`` (until ``end``,
    included, or open-ended); staff of the place or above it only."""
    _require_role_staff(actor, place)
    with transaction.atomic():
        # Lock the person: two grants of the same role at once must not both find it unheld.
        person = Person.objects.select_for_update().get(pk=person.pk)
        _grant_refusals(actor=actor, person=person, kind=kind, place=place, start=start,
                        end=end, today=clock.localdate())
        role = Role.objects.create(person=person, kind=kind, place=place, start=start, end=end)
        audit.record(actor=actor, action="role.grant", obj=role,
                     after={"person": person.pk, "kind": kind, "place": place.pk,
                            "start": start, "end": end})
        _register_changed(actor, place, kind)
    return role


def _register_changed(actor: Any, place: Place, kind: str | None = None) -> None:
    """A representative's role or a resident's record changed: recount open proposals."""
    community = place.community
    if community is not None and (kind is None or kind == rules.REPRESENTATIVE_KIND):
        hooks.fire(hooks.REGISTER_CHANGED, actor=actor, community=community)


def record_move_out(*, actor: Any, person: Person, on: date) -> Person:
    """迁出: ``person`` left the community on ``on`` (the last day on its register is the day
    before); staff of the community only. Open joint proposals are recounted."""
    community = person.community
    if community is None or not is_staff_at(actor, community):
        raise PermissionDenied(_("Only staff of the person's community record a move."),
                               rule="staff")
    if not isinstance(on, date):
        raise RuleViolation(_("Give the day of the move."), rule="input")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if on < locked.registered_on or on > clock.localdate():
            raise RuleViolation(_("The move is on or after the day the person was registered, "
                                  "and not in the future."), rule="input")
        before = locked.moved_out_on
        locked.moved_out_on = on
        locked.save(update_fields=["moved_out_on"])
        audit.record(actor=actor, action="register.move_out", obj=locked,
                     before={"moved_out_on": before}, after={"moved_out_on": on})
        _register_changed(actor, community)
    return locked


def check_end_role(*, actor: Any, role: Role, on: date | None) -> None:
    """Refuse as ``end_role`` would, writing nothing (for a form's validation)."""
    stored = Role.objects.select_related("place").get(pk=role.pk)
    _require_role_staff(actor, stored.place)
    rules.check_role_end(stored.start, stored.end, on)


def end_role(*, actor: Any, role: Role, on: date) -> Role:
    """End a role: ``on`` is the last day it is held (earlier than any end it has)."""
    with transaction.atomic():
        # Lock the row: two ends at once must not both read the same current end.
        locked = Role.objects.select_for_update(of=("self",)).select_related("place").get(
            pk=role.pk)
        _require_role_staff(actor, locked.place)
        rules.check_role_end(locked.start, locked.end, on)
        before = locked.end
        locked.end = on
        locked.save(update_fields=["end"])
        audit.record(actor=actor, action="role.end", obj=locked, before={"end": before},
                     after={"end": on, "person": locked.person_id, "kind": locked.kind,
                            "place": locked.place_id})
        _register_changed(actor, locked.place, locked.kind)
    return locked


# --- Opinion couriers' appointments (002 一聘): in their own module, re-exported here -------

from .couriers import (  # noqa: E402, F401
    appoint_courier,
    assess_courier,
    reappoint_courier,
    record_recruitment,
)
