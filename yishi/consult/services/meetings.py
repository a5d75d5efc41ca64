"""Meetings: scheduling, a second consultation, sign-in, the four steps, speeches, and
closing with its result (000 §(二)(4)3)."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yishi.core import audit, clock
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.notify import notify
from yishi.places.permissions import person_of

from .. import notices, rules, selectors
from ..models import (
    Attendance,
    Meeting,
    Minutes,
    Outcome,
    Participant,
    Speech,
    Topic,
    Vote,
)
from ..rules import MeetingState, TopicState
from ._shared import (
    LONG_TEXT_MAX,
    _facts,
    _link,
    _lock_meeting,
    _lock_topic,
    _move_meeting,
    _move_topic,
    _participant_users,
    _require_staff,
    _text,
)
from .plans import _check_notice_period, _notify_participants, _require_plan


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
        rules.check_materials_attached(major=locked.is_major, materials=plan.materials)
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
            raise RuleViolation(_("Only a cancelled meeting is rescheduled."),
                                rule="reschedule", clause=rules.CLAUSE_PREPARATION)
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
        raise RuleViolation(_("Already signed in."), rule="already_signed_in", clause=rules.CLAUSE_MEETING)
    row = Attendance.objects.create(meeting=meeting, participant=participant, method=method,
                                    at=clock.now())
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


def undo_sign_in(*, actor: Any, meeting: Meeting, participant: Participant) -> Meeting:
    """Take back a tick, or a participant's own sign-in with the code, until the vote opens
    (a wrong tap in the room). The audit event keeps how they had signed in and when."""
    _require_staff(actor, meeting.topic)
    with transaction.atomic():
        # Lock: an undo racing the vote's opening must count on one side of it, and an undo
        # racing the same person's sign-in must leave one answer.
        locked = _lock_meeting(meeting)
        row = Attendance.objects.filter(meeting=locked, participant=participant).first()
        if row is None:
            raise RuleViolation(_("This participant is not signed in."), rule="not_present",
                                clause=rules.CLAUSE_MEETING)
        # The facts of the opening without this person: an opened meeting must still have
        # been able to open (a major matter's two thirds, a technical matter's expert).
        others = Attendance.objects.filter(meeting=locked).exclude(pk=row.pk)
        topic = locked.topic
        committee = selectors.committee_of(topic)
        without = _facts(
            topic, present=others.count(), members=locked.members or committee.size,
            members_present=committee.present_among(
                list(others.values_list("participant__person_id", flat=True))),
            quorum_share=selectors.consult_settings(topic.community).quorum_share,
            expert_present=others.filter(participant__kind="expert").exists())
        rules.check_undo_sign_in(
            state=locked.state, without=without,
            spoke=Speech.objects.filter(meeting=locked, participant=participant).exists())
        method, at = row.method, row.at
        row.delete()
        present = Attendance.objects.filter(meeting=locked).count()
        audit.record(actor=actor, action="meeting.undo_sign_in", obj=locked,
                     before={"participant": participant.pk, "method": method,
                             "at": at.isoformat()},
                     after={"participant": participant.pk, "present": present})
    return locked


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
        expert_here = Attendance.objects.filter(meeting=locked,
                                                participant__kind="expert").exists()
        facts = _facts(topic, members=members, members_present=members_present,
                       present=present, quorum_share=cfg.quorum_share,
                       expert_present=expert_here)
        before = _move_meeting(actor, locked, "open", facts)
        if topic.state == TopicState.NOTIFIED:
            _move_topic(actor, topic, "open_meeting", facts)
        locked.members, locked.members_present = members, members_present
        locked.opened_at = clock.now()
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
                                       opinion=opinion, at=clock.now())
        audit.record(actor=actor, action="meeting.speech", obj=locked,
                     after={"speech": speech.pk, "participant": participant.pk,
                            "position": position})
    return speech



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
        locked.result, locked.conclusion, locked.closed_at = result, conclusion, clock.now()
        locked.save(update_fields=["result", "conclusion", "closed_at"])
        Minutes.objects.create(meeting=locked, body=notices.minutes_text(locked),
                               generated_at=clock.now())
        if result == "consensus":
            Outcome.objects.update_or_create(topic=topic, defaults={
                "kind": "consensus", "meeting": locked, "memo": conclusion})
        audit.record(actor=actor, action="meeting.close", obj=locked,
                     before={"state": before, "topic_state": topic_before},
                     after={"state": locked.state, "result": result,
                            "topic_state": topic.state})
    return locked
