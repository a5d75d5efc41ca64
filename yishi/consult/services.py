"""Actions of the consultation procedure (000 §(二)(4), 001 §二(二), 003 §六).

One function per action: keyword-only ``actor``, a permission check, validation, then one
``transaction.atomic()`` that locks the row before checking its state, applies the
workflow table (``rules.topic_step`` / ``rules.meeting_step``), writes one audit event and
queues notifications. A refusal raises ``RuleViolation`` (or ``PermissionDenied``) and
leaves nothing behind.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yishi.core import audit
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.notify import notify
from yishi.intake.models import JointProposal, Opinion
from yishi.places.models import CommitteeMembership, Person, Place, RoleKind
from yishi.places.permissions import is_staff_at, person_of, role_paths

from . import notices, rules, selectors
from .models import (
    Amendment,
    Attendance,
    Ballot,
    Meeting,
    MeetingStep,
    Minutes,
    Outcome,
    Participant,
    Plan,
    Speech,
    Topic,
    TopicKind,
    TopicSource,
    TopicTransition,
    Vote,
    VoteMethod,
    VoterMark,
    XMember,
)
from .rules import MeetingState, TopicState

# Roles that run consultations. The supervisory committee reads everything but acts on
# nothing (村(居)务监督委员会 supervises), so it is left out although it counts as staff.
ACTING_ROLES = frozenset({RoleKind.STAFF, RoleKind.CHAIR, RoleKind.PARTY, RoleKind.TOWNSHIP,
                          RoleKind.CITY})
TEXT_MAX = 4000
LONG_TEXT_MAX = 8000

# --- Helpers ---------------------------------------------------------------------------------


def _link(topic: Topic) -> str:
    try:
        return reverse("consult:topic", args=[topic.pk])
    except NoReverseMatch:  # pragma: no cover - the page may be renamed by the page layer
        return ""


def _under(place: Place, paths: Iterable[str]) -> bool:
    return any(place.path.startswith(p) for p in paths)


def can_run(actor: Any, place: Place) -> bool:
    """Staff or chair of the place (or a township above it) may run its consultations."""
    if getattr(actor, "is_superuser", False):
        return True
    return is_staff_at(actor, place) and _under(place, role_paths(actor, ACTING_ROLES))


def can_approve(actor: Any, topic: Topic) -> bool:
    """The party organisation of the community approves; the township for its own topics."""
    kinds: set[str] = {RoleKind.PARTY}
    if topic.is_cross_community:
        kinds.add(RoleKind.TOWNSHIP)  # 跨村(社区): 由乡(镇、街道)党委组织 (000 §(二)(2))
    return _under(topic.community, role_paths(actor, kinds))


def _require_staff(actor: Any, topic: Topic) -> None:
    if not can_run(actor, topic.community):
        raise PermissionDenied(
            _("Only the consultation committee's staff of %(place)s can do this.")
            % {"place": topic.community.name}, rule="staff",
        )


def _text(value: str | None, label: str, *, required: bool = True, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(_("Please fill in: %(field)s.") % {"field": label}, rule="input")
    if len(value) > limit:
        raise RuleViolation(_("%(field)s may have at most %(n)d characters.")
                            % {"field": label, "n": limit}, rule="input")
    return value


def _lock_topic(topic: Topic) -> Topic:
    return (Topic.objects.select_for_update(of=("self",)).select_related("community")
            .get(pk=topic.pk))


def _lock_meeting(meeting: Meeting) -> Meeting:
    return (Meeting.objects.select_for_update(of=("self",))
            .select_related("topic__community", "plan").get(pk=meeting.pk))


def _move_topic(actor: Any, topic: Topic, action: str, facts: rules.Facts | None = None,
                note: str = "") -> str:
    """Apply one step of the topic table to a locked topic; returns the state before."""
    step = rules.topic_step(topic.state, action, facts or _facts(topic))
    before = topic.state
    topic.state = step.target
    topic.save(update_fields=["state"])
    TopicTransition.objects.create(topic=topic, action=action, from_state=before,
                                   to_state=step.target, actor=_user(actor), at=timezone.now(),
                                   note=note)
    return before


def _move_meeting(actor: Any, meeting: Meeting, action: str, facts: rules.Facts | None = None,
                  summary: str = "") -> str:
    step = rules.meeting_step(meeting.state, action, facts or rules.Facts(present=1))
    before = meeting.state
    meeting.state = step.target
    meeting.save(update_fields=["state"])
    MeetingStep.objects.create(meeting=meeting, action=action, from_state=before,
                               to_state=step.target, summary=summary, actor=_user(actor),
                               at=timezone.now())
    return before


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _plan(topic: Topic) -> Plan | None:
    return Plan.objects.filter(topic=topic).select_related("convener", "recorder").first()


def _minutes_all_signed(topic: Topic) -> bool:
    meetings = Meeting.objects.filter(topic=topic).exclude(state=MeetingState.CANCELLED)
    if not meetings.exists():
        return False
    unsigned = meetings.exclude(minutes__convener_signed_at__isnull=False,
                                minutes__recorder_signed_at__isnull=False)
    return not unsigned.exists()


def _facts(topic: Topic, **extra: Any) -> rules.Facts:
    plan = _plan(topic)
    values: dict[str, Any] = {
        "major": topic.is_major, "technical": topic.technical, "mandatory": topic.mandatory,
        "plan_approved": bool(plan and plan.approved),
        "has_expert": bool(plan and plan.participants.filter(kind="expert").exists()),
        "minutes_signed": _minutes_all_signed(topic),
    }
    values.update(extra)
    return rules.Facts(**values)


def _users_of(people: Iterable[Person | None]) -> list[Any]:
    return [p.user for p in people if p is not None and p.user is not None]


def _participant_users(plan: Plan) -> list[Any]:
    return _users_of(p.person for p in plan.participants.select_related("person__user"))


# --- 1. Topics: candidates and screening ------------------------------------------------------


def create_candidate(
    *,
    actor: Any,
    community: Place,
    title: str,
    text: str,
    category: str,
    source: str,
    proposer: Person | None = None,
    mandatory: bool = False,
    actor_label: str = "",
    entrusted_by: str = "",
    from_opinion: Opinion | None = None,
    from_proposal: JointProposal | None = None,
) -> Topic:
    """A topic candidate enters the committee's screening queue.

    ``community`` may be a street or township for a cross-community topic.
    """
    assert source in TopicSource.values
    with transaction.atomic():
        from .procedure_services import default_procedure

        topic = Topic.objects.create(
            community=community, title=title, text=text, category=category, source=source,
            proposer=proposer, mandatory=mandatory, entrusted_by=(entrusted_by or "")[:100],
            procedure=default_procedure(community),  # the community's chosen template
            from_opinion=from_opinion, from_proposal=from_proposal,
        )
        TopicTransition.objects.create(topic=topic, action="create", to_state=topic.state,
                                       actor=_user(actor), at=timezone.now())
        audit.record(
            actor=actor, actor_label=actor_label, action="topic.candidate", obj=topic,
            after={"state": topic.state, "source": source, "mandatory": mandatory,
                   "community": community.pk},
        )
    return topic


def topic_from_opinion(*, actor: Any, opinion: Opinion) -> Topic:
    """Subscriber of intake's ``OPINION_MADE_CANDIDATE``: the opinion becomes a candidate."""
    return create_candidate(
        actor=actor, community=opinion.community, title=opinion.title, text=opinion.text,
        category=opinion.category, proposer=opinion.raised_by,
        source=TopicSource.COURIER if opinion.recorded_by_id else TopicSource.OPINION,
        from_opinion=opinion,
    )


def topic_from_proposal(*, actor: Any, proposal: JointProposal) -> Topic:
    """Subscriber of intake's ``PROPOSAL_REACHED``: a mandatory candidate (000 §(二)(1))."""
    return create_candidate(
        actor=actor, community=proposal.community, title=proposal.title, text=proposal.text,
        category=proposal.category, source=TopicSource.JOINT_PROPOSAL,
        proposer=proposal.proposer, mandatory=True, from_proposal=proposal,
    )


def _screen(*, actor: Any, topic: Topic, action: str, reason: str, facts_extra: dict[str, Any],
            changes: dict[str, Any]) -> Topic:
    _require_staff(actor, topic)
    with transaction.atomic():
        # Lock: two members screening the same candidate at once must not both decide it.
        locked = _lock_topic(topic)
        before = _move_topic(actor, locked, action, _facts(locked, **facts_extra), note=reason)
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.screening_decision = action
        locked.screening_reason = reason
        locked.screened_at = timezone.now()
        locked.save()
        audit.record(actor=actor, action=f"topic.{action}", obj=locked,
                     before={"state": before},
                     after={"state": locked.state,
                            **{k: getattr(v, "pk", v) for k, v in changes.items()}})
        if locked.proposer is not None and locked.proposer.user is not None:
            subject, body = notices.screening_notice(locked, reason)
            notify([locked.proposer.user], subject, body, _link(locked))
    return locked


def accept_topic(*, actor: Any, topic: Topic, catalogue_code: str, major: bool = False,
                 technical: bool = False, note: str = "") -> Topic:
    """受理: the topic fits the catalogue; it is marked general or major, technical or not."""
    _require_staff(actor, topic)
    entries = {e.code: e for e in selectors.catalogue_for(topic.community)}
    entry = entries.get(catalogue_code)
    if entry is None:
        raise RuleViolation(_("Choose the catalogue item the topic falls under."),
                            rule="catalogue", clause=rules.CLAUSE_CATALOGUE)
    note = _text(note, _("note"), required=False, limit=1000)
    return _screen(actor=actor, topic=topic, action="accept", reason=note, facts_extra={},
                   changes={"kind": TopicKind.MAJOR if major else TopicKind.GENERAL,
                            "technical": bool(technical), "catalogue_code": entry.code,
                            "catalogue_title": entry.title[:200]})


def merge_topic(*, actor: Any, topic: Topic, into: Topic, reason: str = "") -> Topic:
    """合并: the candidate is consulted on together with another open topic."""
    _require_staff(actor, topic)
    reason = _text(reason, _("reason"), required=False, limit=1000)
    if into.pk == topic.pk or into.community_id != topic.community_id:
        raise RuleViolation(_("Merge into another topic of the same community."), rule="merge")
    if into.state in rules.TERMINAL_TOPIC_STATES or into.state == TopicState.CANDIDATE:
        raise RuleViolation(_("Merge only into an accepted topic that is still open."),
                            rule="merge")
    return _screen(actor=actor, topic=topic, action="merge", reason=reason, facts_extra={},
                   changes={"merged_into": into})


def refer_topic(*, actor: Any, topic: Topic, referred_to: str, reason: str) -> Topic:
    """转办: the matter belongs elsewhere; the reason goes back to the proposer."""
    _require_staff(actor, topic)
    reason = (reason or "").strip()
    referred_to = _text(referred_to, _("referred to"), limit=100)
    if len(reason) > 1000:
        raise RuleViolation(_("The reason may have at most 1000 characters."), rule="input")
    return _screen(actor=actor, topic=topic, action="refer", reason=reason,
                   facts_extra={"reason_given": bool(reason)},
                   changes={"referred_to": referred_to})


def reject_topic(*, actor: Any, topic: Topic, reason: str) -> Topic:
    """不予受理, with the reason sent to the proposer; a mandatory topic cannot be rejected."""
    _require_staff(actor, topic)
    reason = (reason or "").strip()
    if len(reason) > 1000:
        raise RuleViolation(_("The reason may have at most 1000 characters."), rule="input")
    return _screen(actor=actor, topic=topic, action="reject", reason=reason,
                   facts_extra={"reason_given": bool(reason)}, changes={})


# --- 2. Plans, participants, approval, notices ---------------------------------------------------


def _plan_fields(*, starts_at: datetime, location: str, form: str, rules_text: str,
                 materials: str, notice_days: int) -> dict[str, Any]:
    if form not in rules.FORMS:
        raise RuleViolation(_("Choose a consultation form from the list."), rule="input")
    if not isinstance(starts_at, datetime) or timezone.is_naive(starts_at):
        raise RuleViolation(_("Give the date and time of the consultation."), rule="input")
    if starts_at <= timezone.now():
        raise RuleViolation(_("The consultation must lie in the future."), rule="input")
    if isinstance(notice_days, bool) or not isinstance(notice_days, int) or not 0 <= notice_days <= 60:
        raise RuleViolation(_("Days of notice: a whole number from 0 to 60."), rule="input")
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
                                   drafted_by=actor, drafted_at=timezone.now(), **fields)
        seen: set[int] = set()
        for m in selectors.fixed_seat_holders(locked.community):
            if m.person_id not in seen:
                Participant.objects.create(plan=plan, kind="seat", person_id=m.person_id)
                seen.add(m.person_id)
        for m in XMember.objects.filter(topic=locked, ended_on__isnull=True):
            if m.person_id not in seen:
                Participant.objects.create(plan=plan, kind="x", person_id=m.person_id)
                seen.add(m.person_id)
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
        if kind == "x" and person is not None:
            if CommitteeMembership.objects.filter(community=locked.community, person=person,
                                                  ended_on__isnull=True,
                                                  term_start__lte=timezone.localdate()).exists():
                raise RuleViolation(_("This person already holds a fixed seat."), rule="x_seat",
                                    clause=rules.CLAUSE_PARTICIPANTS)
            if not XMember.objects.filter(topic=locked, person=person,
                                          ended_on__isnull=True).exists():
                XMember.objects.create(person=person, topic=locked,
                                       term_start=timezone.localdate())
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
                                rule="attended")
        if p.kind == "x" and p.person_id:
            XMember.objects.filter(topic=locked, person_id=p.person_id,
                                   ended_on__isnull=True).update(ended_on=timezone.localdate())
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
        p.approved_by, p.approved_at, p.approval_note = actor, timezone.now(), note
        p.save(update_fields=["approved_by", "approved_at", "approval_note"])
        audit.record(actor=actor, action="topic.approve_plan", obj=locked,
                     before={"state": before}, after={"state": locked.state, "plan": p.pk})
    return p


def _check_notice_period(plan: Plan, starts_at: datetime) -> None:
    earliest = timezone.now() + timedelta(days=plan.notice_days)
    if starts_at < earliest:
        raise RuleViolation(
            _("Participants must be notified %(days)d days ahead: the meeting can be held from "
              "%(date)s.") % {"days": plan.notice_days,
                              "date": timezone.localtime(earliest).strftime("%Y-%m-%d %H:%M")},
            rule="notice_period", clause=rules.CLAUSE_PREPARATION,
        )


def _notify_participants(plan: Plan, meeting: Meeting, topic: Topic) -> int:
    now = timezone.now()
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
        _check_notice_period(plan, plan.starts_at)
        meeting = Meeting.objects.create(topic=locked, plan=plan, number=1,
                                         starts_at=plan.starts_at, location=plan.location)
        count = _notify_participants(plan, meeting, locked)
        audit.record(actor=actor, action="topic.notify", obj=locked, before={"state": before},
                     after={"state": locked.state, "meeting": meeting.pk, "notified": count})
    return meeting


def schedule_second_meeting(*, actor: Any, topic: Topic, starts_at: datetime,
                            location: str = "") -> Meeting:
    """二次协商: a new meeting on the same topic, linked to it, with fresh notices."""
    _require_staff(actor, topic)
    with transaction.atomic():
        locked = _lock_topic(topic)  # Lock: two second meetings must not share a number.
        plan = _require_plan(locked)
        before = _move_topic(actor, locked, "schedule_second")
        if not isinstance(starts_at, datetime) or timezone.is_naive(starts_at):
            raise RuleViolation(_("Give the date and time of the consultation."), rule="input")
        _check_notice_period(plan, starts_at)
        number = (Meeting.objects.filter(topic=locked).count()) + 1
        meeting = Meeting.objects.create(
            topic=locked, plan=plan, number=number, starts_at=starts_at,
            location=_text(location, _("place"), required=False, limit=200) or plan.location,
        )
        count = _notify_participants(plan, meeting, locked)
        audit.record(actor=actor, action="topic.schedule_second", obj=locked,
                     before={"state": before},
                     after={"state": locked.state, "meeting": meeting.pk, "number": number,
                            "notified": count})
    return meeting


def cancel_meeting(*, actor: Any, meeting: Meeting, reason: str) -> Meeting:
    """Call off a meeting that has not opened; the topic waits for a rescheduled one."""
    _require_staff(actor, meeting.topic)
    reason = _text(reason, _("reason"), limit=1000)
    with transaction.atomic():
        locked = _lock_meeting(meeting)  # Lock: a cancel racing the opening must lose or win whole.
        before = _move_meeting(actor, locked, "cancel", summary=reason)
        audit.record(actor=actor, action="meeting.cancel", obj=locked, before={"state": before},
                     after={"state": locked.state})
        notify(_participant_users(locked.plan), _("Meeting cancelled: %(title)s")
               % {"title": locked.topic.title}, reason, _link(locked.topic))
    return locked


def reschedule_meeting(*, actor: Any, topic: Topic, starts_at: datetime,
                       location: str = "") -> Meeting:
    """A new date after a cancelled meeting, with fresh notices (the topic stays notified)."""
    _require_staff(actor, topic)
    with transaction.atomic():
        locked = _lock_topic(topic)
        plan = _require_plan(locked)
        active = Meeting.objects.filter(topic=locked).exclude(state=MeetingState.CANCELLED)
        if locked.state != TopicState.NOTIFIED or active.filter(
                state__in=rules.ACTIVE_MEETING_STATES).exists():
            raise RuleViolation(_("Only a cancelled meeting is rescheduled."), rule="reschedule")
        if not isinstance(starts_at, datetime) or timezone.is_naive(starts_at):
            raise RuleViolation(_("Give the date and time of the consultation."), rule="input")
        _check_notice_period(plan, starts_at)
        number = Meeting.objects.filter(topic=locked).count() + 1
        meeting = Meeting.objects.create(
            topic=locked, plan=plan, number=number, starts_at=starts_at,
            location=_text(location, _("place"), required=False, limit=200) or plan.location,
        )
        count = _notify_participants(plan, meeting, locked)
        audit.record(actor=actor, action="meeting.reschedule", obj=meeting,
                     after={"number": number, "notified": count})
    return meeting


# --- 3. Meetings ---------------------------------------------------------------------------------


def open_sign_in(*, actor: Any, meeting: Meeting) -> Meeting:
    """签到: a fresh code is shown in the room; participants type it on their phones."""
    _require_staff(actor, meeting.topic)
    with transaction.atomic():
        locked = _lock_meeting(meeting)  # Lock: two consoles opening sign-in at once.
        before = _move_meeting(actor, locked, "open_sign_in")
        locked.sign_in_code = f"{secrets.randbelow(10**6):06d}"
        locked.save(update_fields=["sign_in_code"])
        audit.record(actor=actor, action="meeting.open_sign_in", obj=locked,
                     before={"state": before}, after={"state": locked.state})
    return locked


def _attend(actor: Any, meeting: Meeting, participant: Participant, method: str) -> Attendance:
    if meeting.state not in rules.SIGN_IN_STATES:
        raise RuleViolation(_("Sign-in is not open for this meeting."), rule="sign_in_closed",
                            clause=rules.CLAUSE_MEETING)
    if participant.plan_id != meeting.plan_id:
        raise RuleViolation(_("This person is not a participant of the consultation."),
                            rule="not_participant", clause=rules.CLAUSE_PREPARATION)
    if Attendance.objects.filter(meeting=meeting, participant=participant).exists():
        raise RuleViolation(_("Already signed in."), rule="already_signed_in")
    row = Attendance.objects.create(meeting=meeting, participant=participant, method=method,
                                    at=timezone.now())
    audit.record(actor=actor, action="meeting.sign_in", obj=meeting,
                 after={"participant": participant.pk, "method": method})
    return row


def mark_attendance(*, actor: Any, meeting: Meeting, participant: Participant) -> Attendance:
    """Staff tick a participant present."""
    _require_staff(actor, meeting.topic)
    with transaction.atomic():
        # Lock: a tick and the same person's own sign-in at once must count once.
        locked = _lock_meeting(meeting)
        return _attend(actor, locked, participant, "staff")


def sign_in_with_code(*, actor: Any, meeting: Meeting, code: str) -> Attendance:
    """A participant signs in on their phone with the code shown at the meeting."""
    me = person_of(actor)
    with transaction.atomic():
        locked = _lock_meeting(meeting)  # Lock: the same person tapping twice counts once.
        participant = (Participant.objects.filter(plan_id=locked.plan_id, person=me).first()
                       if me is not None else None)
        if participant is None:
            raise PermissionDenied(_("You are not a participant of this consultation."),
                                   rule="not_participant", clause=rules.CLAUSE_PREPARATION)
        if not locked.sign_in_code or not secrets.compare_digest(
                locked.sign_in_code, (code or "").strip()):
            raise RuleViolation(_("The sign-in code is not right."), rule="sign_in_code")
        return _attend(actor, locked, participant, "code")


def open_meeting(*, actor: Any, meeting: Meeting) -> Meeting:
    """开会: a major matter needs the approved plan and 2/3 of the committee present."""
    _require_staff(actor, meeting.topic)
    with transaction.atomic():
        # Lock the meeting, then the topic: a late sign-in must not be missed by the count,
        # and two consoles must not both open it.
        locked = _lock_meeting(meeting)
        topic = _lock_topic(locked.topic)
        present, members, members_present = selectors.attendance_counts(locked, topic)
        cfg = selectors.consult_settings(topic.community)
        facts = _facts(topic, members=members, members_present=members_present,
                       present=present, quorum_share=cfg.quorum_share)
        before = _move_meeting(actor, locked, "open", facts)
        if topic.state == TopicState.NOTIFIED:
            _move_topic(actor, topic, "open_meeting", facts)
        locked.members, locked.members_present = members, members_present
        locked.opened_at = timezone.now()
        locked.save(update_fields=["members", "members_present", "opened_at"])
        audit.record(actor=actor, action="meeting.open", obj=locked, before={"state": before},
                     after={"state": locked.state, "present": present, "members": members,
                            "members_present": members_present, "topic_state": topic.state})
    return locked


def _meeting_step(actor: Any, meeting: Meeting, action: str, summary: str,
                  required: bool) -> Meeting:
    _require_staff(actor, meeting.topic)
    summary = _text(summary, _("summary"), required=required)
    with transaction.atomic():
        locked = _lock_meeting(meeting)  # Lock: two consoles advancing the same step.
        present = Attendance.objects.filter(meeting=locked).count()
        before = _move_meeting(actor, locked, action, rules.Facts(present=present), summary)
        audit.record(actor=actor, action=f"meeting.{action}", obj=locked,
                     before={"state": before}, after={"state": locked.state})
    return locked


def record_convener_explanation(*, actor: Any, meeting: Meeting, summary: str) -> Meeting:
    """Step 1: the chair or convener explains source, screening, content and rules."""
    return _meeting_step(actor, meeting, "convener_explains", summary, True)


def record_proposer_explanation(*, actor: Any, meeting: Meeting, summary: str) -> Meeting:
    """Step 2: the proposer explains the topic."""
    return _meeting_step(actor, meeting, "proposer_explains", summary, True)


def open_discussion(*, actor: Any, meeting: Meeting, summary: str = "") -> Meeting:
    """Step 3: the floor is open; each opinion is recorded with ``add_speech``."""
    return _meeting_step(actor, meeting, "open_discussion", summary, False)


def add_speech(*, actor: Any, meeting: Meeting, participant: Participant,
               opinion: str) -> Speech:
    """Record one speaker's opinion (step 3), in speaking order."""
    _require_staff(actor, meeting.topic)
    opinion = _text(opinion, _("opinion"))
    with transaction.atomic():
        locked = _lock_meeting(meeting)  # Lock: two recorders must not give two speakers one place.
        if locked.state != MeetingState.DISCUSSING:
            raise RuleViolation(_("Opinions are recorded in step three, while the floor is open."),
                                rule="step_order", clause=rules.CLAUSE_MEETING)
        if not Attendance.objects.filter(meeting=locked, participant=participant).exists():
            raise RuleViolation(_("The speaker must be signed in."), rule="not_present",
                                clause=rules.CLAUSE_MEETING)
        position = Speech.objects.filter(meeting=locked).count() + 1
        speech = Speech.objects.create(meeting=locked, participant=participant, position=position,
                                       opinion=opinion, at=timezone.now())
        audit.record(actor=actor, action="meeting.speech", obj=locked,
                     after={"speech": speech.pk, "participant": participant.pk,
                            "position": position})
    return speech


def open_vote(*, actor: Any, meeting: Meeting, method: str, question: str) -> Vote:
    """Step 4: the vote on the basic consensus, counted under the community's rule."""
    _require_staff(actor, meeting.topic)
    if method not in VoteMethod.values:
        raise RuleViolation(_("Choose show of hands or secret ballot."), rule="input")
    question = _text(question, _("question"), limit=300)
    with transaction.atomic():
        locked = _lock_meeting(meeting)  # Lock: two consoles opening the vote at once.
        present, members, _members_present = selectors.attendance_counts(locked)
        before = _move_meeting(actor, locked, "open_vote", rules.Facts(present=present))
        majority = selectors.majority_for(locked.topic.community, locked.plan.form)
        vote = Vote.objects.create(
            meeting=locked, method=method, question=question, present=present,
            members=locked.members or members, share_num=majority.share.numerator,
            share_den=majority.share.denominator, strict=majority.strict, base=majority.base,
            opened_at=timezone.now(),
        )
        audit.record(actor=actor, action="meeting.open_vote", obj=locked,
                     before={"state": before},
                     after={"state": locked.state, "vote": vote.pk, "method": method,
                            "present": present, "rule": majority.label})
    return vote


def _lock_vote(meeting: Meeting) -> Vote:
    vote = Vote.objects.select_for_update().filter(meeting_id=meeting.pk).first()
    if vote is None or meeting.state != MeetingState.VOTING or vote.closed_at is not None:
        raise RuleViolation(_("The vote is not open."), rule="vote_closed",
                            clause=rules.CLAUSE_MEETING)
    return vote


def record_show_of_hands(*, actor: Any, meeting: Meeting, yes: int, no: int,
                         abstain: int) -> Vote:
    """举手表决: the secretary enters the counts once; they cannot exceed those present."""
    _require_staff(actor, meeting.topic)
    with transaction.atomic():
        # Lock the vote row: two secretaries entering the counts at once must not both
        # find it uncounted (one would overwrite or add to the other's count).
        current = Meeting.objects.get(pk=meeting.pk)
        vote = _lock_vote(current)
        if vote.method != VoteMethod.HANDS:
            raise RuleViolation(_("This vote is by secret ballot."), rule="vote_method")
        if vote.counted:
            raise RuleViolation(_("The counts have already been entered (for %(yes)d, against "
                                  "%(no)d, abstain %(abstain)d).")
                                % {"yes": vote.yes, "no": vote.no, "abstain": vote.abstain},
                                rule="already_counted")
        rules.check_hand_count(yes=yes, no=no, abstain=abstain, present=vote.present)
        vote.yes, vote.no, vote.abstain, vote.counted = yes, no, abstain, True
        vote.save(update_fields=["yes", "no", "abstain", "counted"])
        audit.record(actor=actor, action="vote.hands", obj=vote,
                     after={"yes": yes, "no": no, "abstain": abstain, "present": vote.present})
    return vote


BALLOT_CHOICES = ("yes", "no", "abstain")


def cast_ballot(*, actor: Any, meeting: Meeting, choice: str) -> None:
    """投票表决 on a phone: each present participant once; the ballot names no one."""
    if choice not in BALLOT_CHOICES:
        raise RuleViolation(_("Choose for, against or abstain."), rule="input")
    me = person_of(actor)
    with transaction.atomic():
        # Lock the vote row: sixty phones at the same second are counted one after another,
        # each checked against the ballots already in (never more ballots than present).
        current = Meeting.objects.get(pk=meeting.pk)
        vote = _lock_vote(current)
        if vote.method != VoteMethod.BALLOT:
            raise RuleViolation(_("This vote is by show of hands."), rule="vote_method")
        participant = (Participant.objects.filter(plan_id=current.plan_id, person=me).first()
                       if me is not None else None)
        if participant is None or not Attendance.objects.filter(
                meeting=current, participant=participant).exists():
            raise PermissionDenied(_("Only participants signed in at the meeting can vote."),
                                   rule="not_present", clause=rules.CLAUSE_MEETING)
        if VoterMark.objects.filter(vote=vote, participant=participant).exists():
            raise RuleViolation(_("You have already voted."), rule="already_voted")
        if Ballot.objects.filter(vote=vote).count() >= vote.present:
            raise RuleViolation(_("As many ballots as people present are already in."),
                                rule="votes_exceed_present", clause=rules.CLAUSE_MEETING)
        try:
            with transaction.atomic():  # the unique mark is the last line of defence
                VoterMark.objects.create(vote=vote, participant=participant)
        except IntegrityError:
            raise RuleViolation(_("You have already voted."), rule="already_voted") from None
        Ballot.objects.create(vote=vote, choice=choice)
        # The audit event names the vote, never the voter's choice beside the voter.
        audit.record(actor=actor, action="vote.ballot", obj=vote, after={"ballots": "+1"})


def enter_paper_ballots(*, actor: Any, meeting: Meeting, yes: int, no: int,
                        abstain: int) -> Vote:
    """Paper ballots counted in the room, entered by the secretary; they count against present."""
    _require_staff(actor, meeting.topic)
    with transaction.atomic():
        current = Meeting.objects.get(pk=meeting.pk)
        vote = _lock_vote(current)  # Lock: phone ballots and a paper batch at the same time.
        if vote.method != VoteMethod.BALLOT:
            raise RuleViolation(_("This vote is by show of hands."), rule="vote_method")
        already = Ballot.objects.filter(vote=vote).count()
        rules.check_hand_count(yes=yes, no=no, abstain=abstain, present=vote.present - already)
        Ballot.objects.bulk_create(
            [Ballot(vote=vote, choice=c, paper=True)
             for c, n in (("yes", yes), ("no", no), ("abstain", abstain)) for _i in range(n)]
        )
        audit.record(actor=actor, action="vote.paper", obj=vote,
                     after={"yes": yes, "no": no, "abstain": abstain})
    return vote


def close_vote(*, actor: Any, meeting: Meeting) -> Vote:
    """Count and decide under the rule stored with the vote; the result page explains it."""
    _require_staff(actor, meeting.topic)
    with transaction.atomic():
        locked = _lock_meeting(meeting)  # Lock: no ballot slips in after the count.
        vote = _lock_vote(locked)
        if vote.method == VoteMethod.HANDS and not vote.counted:
            raise RuleViolation(_("Enter the counts of the show of hands first."),
                                rule="not_counted", clause=rules.CLAUSE_MEETING)
        if vote.method == VoteMethod.BALLOT:
            tally = dict(Ballot.objects.filter(vote=vote).values_list("choice")
                         .annotate(n=Count("id")).values_list("choice", "n"))
            vote.yes, vote.no, vote.abstain = (tally.get("yes", 0), tally.get("no", 0),
                                               tally.get("abstain", 0))
            vote.counted = True
        before = _move_meeting(actor, locked, "close_vote")
        vote.passed = vote.explanation().passed
        vote.closed_at = timezone.now()
        vote.save()
        audit.record(actor=actor, action="meeting.close_vote", obj=locked,
                     before={"state": before},
                     after={"state": locked.state, "yes": vote.yes, "no": vote.no,
                            "abstain": vote.abstain, "passed": vote.passed})
    return vote


_RESULT_ACTION = {"consensus": "reach_consensus", "no_consensus": "no_consensus",
                  "assembly": "refer_assembly"}


def close_meeting(*, actor: Any, meeting: Meeting, result: str, conclusion: str = "") -> Meeting:
    """散会: the result is recorded and the minutes are produced from what was recorded.

    ``consensus`` needs a passed vote and the consensus memo (共识纪要, 001 §二(二)3) in
    ``conclusion``; ``no_consensus`` leads to a second consultation; ``assembly`` refers the
    matter to the residents' (representatives') meeting.
    """
    _require_staff(actor, meeting.topic)
    if result not in rules.MEETING_RESULTS:
        raise RuleViolation(_("Choose the result of the meeting."), rule="input")
    conclusion = _text(conclusion, _("consensus memo"), required=result == "consensus",
                       limit=LONG_TEXT_MAX)
    with transaction.atomic():
        # Lock the meeting and its topic: the result moves both, and once.
        locked = _lock_meeting(meeting)
        topic = _lock_topic(locked.topic)
        vote = Vote.objects.filter(meeting=locked).first()
        if result == "consensus" and (vote is None or not vote.passed):
            raise RuleViolation(_("The vote did not pass: record no consensus or refer the "
                                  "matter to the residents' (representatives') meeting."),
                                rule="consensus_needs_vote", clause=rules.CLAUSE_MEETING)
        before = _move_meeting(actor, locked, "close", summary=conclusion)
        topic_before = _move_topic(actor, topic, _RESULT_ACTION[result], note=conclusion)
        locked.result, locked.conclusion, locked.closed_at = result, conclusion, timezone.now()
        locked.save(update_fields=["result", "conclusion", "closed_at"])
        Minutes.objects.create(meeting=locked, body=notices.minutes_text(locked),
                               generated_at=timezone.now())
        if result == "consensus":
            Outcome.objects.update_or_create(topic=topic, defaults={
                "kind": "consensus", "meeting": locked, "memo": conclusion})
        audit.record(actor=actor, action="meeting.close", obj=locked,
                     before={"state": before, "topic_state": topic_before},
                     after={"state": locked.state, "result": result,
                            "topic_state": topic.state})
    return locked


def refer_to_assembly(*, actor: Any, topic: Topic, reason: str) -> Topic:
    """After a failed consultation, without a further meeting: 通过协商无法解决或存在较大争议的
    问题 go to the residents' (representatives') meeting (000 §(二)(4)3)."""
    _require_staff(actor, topic)
    reason = _text(reason, _("reason"), limit=1000)
    with transaction.atomic():
        locked = _lock_topic(topic)  # Lock: a referral racing a second meeting being scheduled.
        if locked.state != TopicState.SECOND_PENDING:
            raise RuleViolation(_("A topic in consultation is referred when its meeting closes."),
                                rule="transition", clause=rules.CLAUSE_MEETING)
        before = _move_topic(actor, locked, "refer_assembly", note=reason)
        audit.record(actor=actor, action="topic.refer_assembly", obj=locked,
                     before={"state": before}, after={"state": locked.state})
    return locked


def record_assembly_decision(*, actor: Any, topic: Topic, assembly: str, held_on: date,
                             decision: str, passed: bool) -> Outcome:
    """提交村(居)民会议或代表会议决定: the decision is recorded against the topic."""
    _require_staff(actor, topic)
    if assembly not in rules.ASSEMBLIES:
        raise RuleViolation(_("Choose the residents' meeting or the representatives' meeting."),
                            rule="input")
    if not isinstance(held_on, date) or held_on > timezone.localdate():
        raise RuleViolation(_("Give the date the meeting was held (not in the future)."),
                            rule="input")
    decision = _text(decision, _("decision"), limit=LONG_TEXT_MAX)
    with transaction.atomic():
        locked = _lock_topic(topic)  # Lock: one decision per topic.
        before = _move_topic(actor, locked, "record_assembly", note=decision)
        outcome, _created = Outcome.objects.update_or_create(topic=locked, defaults={
            "kind": "assembly", "assembly": assembly, "assembly_held_on": held_on,
            "assembly_decision": decision, "assembly_passed": bool(passed)})
        if _minutes_all_signed(locked):  # the minutes were signed while the assembly met
            _move_topic(actor, locked, "sign_minutes")
        audit.record(actor=actor, action="topic.record_assembly", obj=locked,
                     before={"state": before},
                     after={"state": locked.state, "assembly": assembly, "passed": bool(passed),
                            "held_on": held_on})
    return outcome


# --- Minutes ---------------------------------------------------------------------------------


def sign_minutes(*, actor: Any, meeting: Meeting) -> Minutes:
    """The convener and the recorder sign; with both signatures the minutes are frozen."""
    me = person_of(actor)
    with transaction.atomic():
        # Lock the minutes: the two signatures landing at once must both be kept.
        minutes = Minutes.objects.select_for_update().filter(meeting_id=meeting.pk).first()
        if minutes is None:
            raise RuleViolation(_("The minutes are produced when the meeting closes."),
                                rule="no_minutes", clause=rules.CLAUSE_MEETING)
        plan = Plan.objects.get(pk=meeting.plan_id)
        now = timezone.now()
        signed_as = []
        if me is not None and me.pk == plan.convener_id and minutes.convener_signed_at is None:
            minutes.convener_signed_by, minutes.convener_signed_at = actor, now
            signed_as.append("convener")
        if me is not None and me.pk == plan.recorder_id and minutes.recorder_signed_at is None:
            minutes.recorder_signed_by, minutes.recorder_signed_at = actor, now
            signed_as.append("recorder")
        if not signed_as:
            if me is not None and me.pk in (plan.convener_id, plan.recorder_id):
                raise RuleViolation(_("You have already signed these minutes."),
                                    rule="already_signed")
            raise PermissionDenied(_("Only the convener and the recorder sign the minutes."),
                                   rule="signatory", clause=rules.CLAUSE_MEETING)
        minutes.save()
        topic = _lock_topic(meeting.topic)
        topic_before = topic.state
        if minutes.frozen and topic.state in (TopicState.CONSENSUS, TopicState.DECIDED) \
                and _minutes_all_signed(topic):
            _move_topic(actor, topic, "sign_minutes")
        audit.record(actor=actor, action="minutes.sign", obj=minutes,
                     after={"as": signed_as, "frozen": minutes.frozen,
                            "topic_state": topic.state, "topic_before": topic_before})
    return minutes


def amend_minutes(*, actor: Any, meeting: Meeting, text: str) -> Amendment:
    """A correction is added beside the minutes, never written into them."""
    _require_staff(actor, meeting.topic)
    text = _text(text, _("correction"))
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().filter(meeting_id=meeting.pk).first()
        if minutes is None:
            raise RuleViolation(_("The minutes are produced when the meeting closes."),
                                rule="no_minutes", clause=rules.CLAUSE_MEETING)
        amendment = Amendment.objects.create(minutes=minutes, text=text, by=actor,
                                             at=timezone.now())
        audit.record(actor=actor, action="minutes.amend", obj=amendment,
                     after={"minutes": minutes.pk, "frozen": minutes.frozen})
    return amendment


# --- 4. Publication -------------------------------------------------------------------------------


def file_outcome(*, actor: Any, topic: Topic, note: str = "") -> Outcome:
    """备案: the outcome goes on file with the party organisation and the committee."""
    _require_staff(actor, topic)
    note = _text(note, _("note"), required=False, limit=1000)
    with transaction.atomic():
        locked = _lock_topic(topic)  # Lock: filing twice at once.
        before = _move_topic(actor, locked, "file", note=note)
        outcome = Outcome.objects.select_for_update().get(topic=locked)
        outcome.filed_at, outcome.filed_by = timezone.now(), actor
        outcome.save(update_fields=["filed_at", "filed_by"])
        committee = Person.objects.filter(pk__in=selectors.committee_person_ids(locked))
        subject, body = notices.outcome_notice(locked)
        notify(selectors.party_users(locked.community) + _users_of(committee.select_related("user")),
               _("Filed: %(s)s") % {"s": subject}, body, _link(locked))
        audit.record(actor=actor, action="topic.file", obj=locked, before={"state": before},
                     after={"state": locked.state, "outcome": outcome.pk})
    return outcome


def publish_outcome(*, actor: Any, topic: Topic, days: int | None = None) -> Outcome:
    """公示: the topic and its outcome on the notice board; stakeholders are told."""
    _require_staff(actor, topic)
    cfg = selectors.consult_settings(topic.community)
    days = cfg.publication_days if days is None else days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 366:
        raise RuleViolation(_("The posting period is 1 to 366 days."), rule="input")
    with transaction.atomic():
        locked = _lock_topic(topic)  # Lock: publishing twice at once.
        before = _move_topic(actor, locked, "publish")
        outcome = Outcome.objects.select_for_update().get(topic=locked)
        today = timezone.localdate()
        outcome.published_from = today
        outcome.published_until = today + timedelta(days=days - 1)  # the last day included
        outcome.save(update_fields=["published_from", "published_until"])
        plan = _plan(locked)
        people: list[Person | None] = [locked.proposer]
        if plan is not None:
            people += [p.person for p in plan.participants.select_related("person__user")]
        subject, body = notices.outcome_notice(locked)
        notify(_users_of(people), subject, body, _link(locked))
        audit.record(actor=actor, action="topic.publish", obj=locked, before={"state": before},
                     after={"state": locked.state, "from": outcome.published_from,
                            "until": outcome.published_until})
        _post_on_board(actor, locked, outcome)
    return outcome


def _post_on_board(actor: Any, topic: Topic, outcome: Outcome) -> None:
    """利用村(居)务公开栏…进行公示 (000 §(二)(4)4): the outcome goes on the public board.

    Runs inside the publication's transaction, so a refused notice leaves the outcome
    unpublished too. A township's cross-community topic has no community board.
    """
    from yishi.disclosure.models import NoticeKind
    from yishi.disclosure.services import publish_notice

    if topic.community.kind != "community":
        return
    topic.outcome = outcome
    title, body = notices.board_notice(topic)
    publish_notice(
        actor=actor, community=topic.community, title=title, body=body,
        starts_on=outcome.published_from, ends_on=outcome.published_until,
        kind=NoticeKind.OUTCOME,
        issuer=_("Consultation committee of %(place)s") % {"place": topic.community.name},
        source_type="consult.topic", source_id=topic.pk,
    )


def add_x_member(*, actor: Any, topic: Topic, person: Person) -> XMember:
    """An X member: a stakeholder who sits on the committee for one topic (7+X, 000 §(二)(2))."""
    _require_staff(actor, topic)
    today = timezone.localdate()
    with transaction.atomic():
        # Lock the topic: the same person added twice at once must not pass the check twice.
        locked = _lock_topic(topic)
        if XMember.objects.filter(topic=locked, person=person, ended_on__isnull=True).exists():
            raise RuleViolation(_("This person is already an X member for this topic."),
                                rule="x_twice", clause=rules.CLAUSE_PARTICIPANTS)
        if selectors.fixed_seat_holders(locked.community, today).filter(person=person).exists():
            raise RuleViolation(_("This person already holds a fixed seat on the committee."),
                                rule="x_seat", clause=rules.CLAUSE_PARTICIPANTS)
        member = XMember.objects.create(topic=locked, person=person, term_start=today)
        audit.record(actor=actor, action="committee.add_x", obj=member,
                     after={"community": locked.community_id, "topic": locked.pk,
                            "person": person.pk})
    return member


def end_x_members_for_topic(*, actor: Any, topic: Topic, on: date, actor_label: str = "") -> int:
    """The topic has ended, so its X members' service ends on ``on``; returns how many.

    ``actor`` is None only for system jobs, which name themselves in ``actor_label``.
    """
    if actor is not None:
        _require_staff(actor, topic)
    with transaction.atomic():
        # Lock the open rows: an X member added while the topic closes is ended too or not
        # at all, never half.
        open_rows = list(XMember.objects.select_for_update()
                         .filter(topic=topic, ended_on__isnull=True))
        for m in open_rows:
            m.ended_on = max(on, m.term_start)
        XMember.objects.bulk_update(open_rows, ["ended_on"])
        if open_rows:
            audit.record(actor=actor, actor_label=actor_label, action="committee.end_x",
                         object_type="consult.topic", object_id=topic.pk,
                         after={"ended_on": on, "memberships": [m.pk for m in open_rows]})
    return len(open_rows)


def _end_x_members(actor: Any, topic: Topic, on: date) -> int:
    """随协商事项完毕即告结束: the topic's X members stop serving (000 §(二)(2))."""
    return end_x_members_for_topic(actor=actor, topic=topic, on=on)


def close_topic(*, actor: Any, topic: Topic, note: str = "") -> Topic:
    """办结 after the posting period; the topic's X members' service ends with it."""
    _require_staff(actor, topic)
    note = _text(note, _("note"), required=False, limit=1000)
    with transaction.atomic():
        locked = _lock_topic(topic)  # Lock: an X member added while closing is ended too.
        outcome = Outcome.objects.filter(topic=locked).first()
        today = timezone.localdate()
        if (locked.state == TopicState.PUBLISHED and outcome is not None
                and outcome.published_until is not None and outcome.published_until >= today):
            raise RuleViolation(_("The outcome stays on the notice board until %(date)s.")
                                % {"date": outcome.published_until.isoformat()},
                                rule="publication_period", clause=rules.CLAUSE_PUBLICATION)
        before = _move_topic(actor, locked, "close", note=note)
        ended = _end_x_members(actor, locked, today)
        audit.record(actor=actor, action="topic.close", obj=locked, before={"state": before},
                     after={"state": locked.state, "x_members_ended": ended})
    return locked
