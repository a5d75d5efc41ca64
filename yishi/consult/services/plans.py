"""Plans: drafting, participants, the party organisation's approval, notices (000 §(二)(4)2)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yishi.core import audit, clock
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.notify import notify
from yishi.places.models import CommitteeMembership, CommunitySettings, Person, Place, Residence

from .. import notices, rules, selectors
from ..models import (
    Attendance,
    Meeting,
    Participant,
    Plan,
    Topic,
    XMember,
)
from ..rules import TopicState
from ._shared import (
    LONG_TEXT_MAX,
    _link,
    _lock_topic,
    _move_topic,
    _participant_users,
    _require_staff,
    _text,
    can_approve,
)

# --- 2. Plans, participants, approval, notices ---------------------------------------------------


def _plan_fields(*, starts_at: datetime, location: str, form: str, rules_text: str,
                 materials: str, notice_days: int) -> dict[str, Any]:
    if form not in rules.FORMS:
        raise RuleViolation(_("Choose a consultation form from the list."), rule="input")
    if not isinstance(starts_at, datetime) or timezone.is_naive(starts_at):
        raise RuleViolation(_("Give the date and time of the consultation."), rule="input")
    if starts_at <= clock.now():
        raise RuleViolation(_("The consultation must lie in the future."), rule="input")
    rules.check_notice_floor(notice_days)  # 提前通知: a day or more (000 §(二)(4)2)
    if notice_days > 60:
        raise RuleViolation(_("Days of notice: a whole number from 1 to 60."), rule="input")
    return {"starts_at": starts_at, "location": _text(location, _("place"), limit=200),
            "form": form, "rules_text": _text(rules_text, _("rules of procedure")),
            "materials": _text(materials, _("materials"), required=False, limit=LONG_TEXT_MAX),
            "notice_days": notice_days}


def _check_signatories(convener: Person, recorder: Person) -> None:
    """The convener and the recorder sign the minutes, so both need an account."""
    if convener is None or recorder is None or convener.user_id is None \
            or recorder.user_id is None:
        raise RuleViolation(_("The convener and the recorder must be people with an account: "
                              "they sign the minutes."), rule="signatory",
                            clause=rules.CLAUSE_MEETING)


def draft_plan(*, actor: Any, topic: Topic, starts_at: datetime, location: str, form: str,
               rules_text: str, convener: Person, recorder: Person, materials: str = "",
               notice_days: int | None = None) -> Plan:
    """协商方案: time, place, form, rules; the seven seats and the X members are invited."""
    _require_staff(actor, topic)
    _check_signatories(convener, recorder)
    cfg = selectors.consult_settings(topic.community)
    fields = _plan_fields(starts_at=starts_at, location=location, form=form,
                          rules_text=rules_text, materials=materials,
                          notice_days=cfg.notice_days if notice_days is None else notice_days)
    with transaction.atomic():
        # Lock: two drafts at once must not both find the topic without a plan.
        locked = _lock_topic(topic)
        before = _move_topic(actor, locked, "draft_plan")
        plan = Plan.objects.create(topic=locked, convener=convener, recorder=recorder,
                                   drafted_by=actor, drafted_at=clock.now(), **fields)
        seen: set[int] = set()
        seat_people = selectors.fixed_seat_holders(locked.community).values_list("person_id",
                                                                                 flat=True)
        x_people = XMember.objects.filter(topic=locked, ended_on__isnull=True).values_list(
            "person_id", flat=True)
        for kind, people in (("seat", seat_people), ("x", x_people)):
            for person_id in people:
                if person_id not in seen:
                    Participant.objects.create(plan=plan, kind=kind, person_id=person_id)
                    seen.add(person_id)
        audit.record(actor=actor, action="topic.draft_plan", obj=locked,
                     before={"state": before},
                     after={"state": locked.state, "plan": plan.pk, "form": form,
                            "starts_at": fields["starts_at"], "participants": len(seen)})
    return plan


def update_plan(*, actor: Any, plan: Plan, starts_at: datetime, location: str, form: str,
                rules_text: str, convener: Person, recorder: Person, materials: str = "",
                notice_days: int = 3) -> Plan:
    """Edit a plan before approval and notices; an approved plan is not changed behind the
    party organisation's back."""
    topic = plan.topic
    _require_staff(actor, topic)
    _check_signatories(convener, recorder)
    fields = _plan_fields(starts_at=starts_at, location=location, form=form,
                          rules_text=rules_text, materials=materials, notice_days=notice_days)
    with transaction.atomic():
        locked = _lock_topic(topic)  # Lock: an edit racing the approval must not slip in after it.
        if locked.state != TopicState.PLANNED:
            raise RuleViolation(_("The plan can be changed only before it is approved and "
                                  "notices go out."), rule="plan_frozen",
                                clause=rules.CLAUSE_PREPARATION)
        p = Plan.objects.get(pk=plan.pk)
        for k, v in {**fields, "convener": convener, "recorder": recorder}.items():
            setattr(p, k, v)
        p.save()
        audit.record(actor=actor, action="plan.update", obj=p,
                     after={"form": form, "starts_at": fields["starts_at"]})
    return p


PARTICIPANT_OPEN_STATES = frozenset({TopicState.PLANNED, TopicState.SECOND_PENDING})


def _resident_only_take_part(community: Place) -> bool:
    cfg = CommunitySettings.objects.filter(community=community).first()
    return cfg.resident_only_general if cfg is not None else True


def add_participant(*, actor: Any, plan: Plan, kind: str, person: Person | None = None,
                    name: str = "", affiliation: str = "") -> Participant:
    """Invite a participant; an X stakeholder joins the committee for this topic (7+X)."""
    topic = plan.topic
    _require_staff(actor, topic)
    if kind not in rules.PARTICIPANT_KINDS or kind == "seat":
        raise RuleViolation(_("Choose the kind of participant from the list."), rule="input")
    name = _text(name, _("name"), required=person is None, limit=50)
    affiliation = _text(affiliation, _("affiliation"), required=False, limit=100)
    if kind == "x" and person is None:
        raise RuleViolation(_("An X member must be a registered person."), rule="input",
                            clause=rules.CLAUSE_PARTICIPANTS)
    with transaction.atomic():
        locked = _lock_topic(topic)  # Lock: the participant list is fixed once notices go out.
        if locked.state not in PARTICIPANT_OPEN_STATES:
            raise RuleViolation(_("Participants can be changed while the plan is drafted or "
                                  "before a second consultation."), rule="plan_frozen",
                                clause=rules.CLAUSE_PREPARATION)
        if person is not None and Participant.objects.filter(plan=plan, person=person).exists():
            raise RuleViolation(_("This person is already a participant."), rule="duplicate")
        if (person is not None and person.residence == Residence.RESIDENT
                and not locked.is_major and not _resident_only_take_part(locked.community)):
            raise RuleViolation(
                _("In this community resident-only (非户籍常住) people do not take part in "
                  "general matters, as its settings say."),
                rule="resident_only", clause=rules.CLAUSE_PARTICIPANTS)
        if kind == "x" and person is not None:
            if CommitteeMembership.objects.filter(community=locked.community, person=person,
                                                  ended_on__isnull=True,
                                                  term_start__lte=clock.localdate()).exists():
                raise RuleViolation(_("This person already holds a fixed seat."), rule="x_seat",
                                    clause=rules.CLAUSE_PARTICIPANTS)
            if not XMember.objects.filter(topic=locked, person=person,
                                          ended_on__isnull=True).exists():
                XMember.objects.create(person=person, topic=locked,
                                       term_start=clock.localdate())
        participant = Participant.objects.create(plan=plan, kind=kind, person=person, name=name,
                                                 affiliation=affiliation)
        audit.record(actor=actor, action="plan.add_participant", obj=plan,
                     after={"participant": participant.pk, "kind": kind,
                            "person": person.pk if person else None})
    return participant


def remove_participant(*, actor: Any, participant: Participant) -> None:
    plan = participant.plan
    topic = plan.topic
    _require_staff(actor, topic)
    with transaction.atomic():
        locked = _lock_topic(topic)
        if locked.state not in PARTICIPANT_OPEN_STATES:
            raise RuleViolation(_("Participants can be changed while the plan is drafted or "
                                  "before a second consultation."), rule="plan_frozen",
                                clause=rules.CLAUSE_PREPARATION)
        p = Participant.objects.get(pk=participant.pk)
        if p.kind == "seat":
            raise RuleViolation(_("The fixed seats are always invited."), rule="seat",
                                clause=rules.CLAUSE_PARTICIPANTS)
        if Attendance.objects.filter(participant=p).exists():
            raise RuleViolation(_("This participant attended a meeting and stays on record."),
                                rule="attended", clause=rules.CLAUSE_MEETING)
        if p.kind == "x" and p.person_id:
            XMember.objects.filter(topic=locked, person_id=p.person_id,
                                   ended_on__isnull=True).update(ended_on=clock.localdate())
        pk = p.pk
        p.delete()
        audit.record(actor=actor, action="plan.remove_participant", obj=plan,
                     before={"participant": pk, "kind": p.kind})


def approve_plan(*, actor: Any, plan: Plan, note: str = "") -> Plan:
    """党组织审核同意: a major matter's plan (000 §(二)(4)2)."""
    topic = plan.topic
    if not can_approve(actor, topic):
        raise PermissionDenied(_("Only the party organisation of %(place)s approves "
                                 "consultation plans.") % {"place": topic.community.name},
                               rule="party", clause=rules.CLAUSE_PREPARATION)
    note = _text(note, _("note"), required=False, limit=1000)
    with transaction.atomic():
        # Lock: an approval racing an edit of the plan must see the final plan.
        locked = _lock_topic(topic)
        before = _move_topic(actor, locked, "approve_plan", note=note)
        p = Plan.objects.get(pk=plan.pk)
        # The plan is frozen once approved, so its materials must be there now: the notice
        # carries them (同时向其提供议题材料).
        rules.check_materials_attached(major=locked.is_major, materials=p.materials)
        p.approved_by, p.approved_at, p.approval_note = actor, clock.now(), note
        p.save(update_fields=["approved_by", "approved_at", "approval_note"])
        # Approving a flagged matter's plan as major confirms the staff's flags (党组织认定).
        confirmed = locked.kind_pending
        if confirmed:
            locked.major_flagged = locked.technical_flagged = False
            locked.kind_decided_by, locked.kind_decided_at = actor, clock.now()
            locked.save(update_fields=["major_flagged", "technical_flagged",
                                       "kind_decided_by", "kind_decided_at"])
        audit.record(actor=actor, action="topic.approve_plan", obj=locked,
                     before={"state": before},
                     after={"state": locked.state, "plan": p.pk, "kind_confirmed": confirmed})
    return p


def _check_notice_period(plan: Plan, starts_at: datetime) -> None:
    earliest = clock.now() + timedelta(days=plan.notice_days)
    if starts_at < earliest:
        raise RuleViolation(
            _("Participants must be notified %(days)d days ahead: the meeting can be held from "
              "%(date)s.") % {"days": plan.notice_days,
                              "date": timezone.localtime(earliest).strftime("%Y-%m-%d %H:%M")},
            rule="notice_period", clause=rules.CLAUSE_PREPARATION,
        )


def _notify_participants(plan: Plan, meeting: Meeting, topic: Topic) -> int:
    now = clock.now()
    subject, body = notices.meeting_notice(plan, meeting)
    notify(_participant_users(plan), subject, body, _link(topic))
    return plan.participants.update(notified_at=now)


def _require_plan(topic: Topic) -> Plan:
    """The topic's plan, or a refusal: notices and meetings follow a plan (000 §(二)(4)2)."""
    plan = Plan.objects.select_related("topic").filter(topic=topic).first()
    if plan is None:
        raise RuleViolation(_("Draft the consultation plan first."), rule="plan",
                            clause="000 §(二)(4)2")
    return plan


def send_notices(*, actor: Any, topic: Topic) -> Meeting:
    """提前通知: every participant gets the time, place, rules and materials; the first
    meeting is scheduled as the plan says."""
    _require_staff(actor, topic)
    with transaction.atomic():
        # Lock: notices sent twice at once would schedule two first meetings.
        locked = _lock_topic(topic)
        plan = _require_plan(locked)
        before = _move_topic(actor, locked, "notify")
        # 同时向其提供议题材料: a major matter's notice carries its materials.
        rules.check_materials_attached(major=locked.is_major, materials=plan.materials)
        _check_notice_period(plan, plan.starts_at)
        meeting = Meeting.objects.create(topic=locked, plan=plan, number=1,
                                         starts_at=plan.starts_at, location=plan.location)
        count = _notify_participants(plan, meeting, locked)
        audit.record(actor=actor, action="topic.notify", obj=locked, before={"state": before},
                     after={"state": locked.state, "meeting": meeting.pk, "notified": count})
    return meeting
