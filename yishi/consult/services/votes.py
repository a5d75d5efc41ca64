"""Votes on the basic consensus: a show of hands or a secret ballot, and the tally
(000 §(二)(4)3④)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from yishi.core import audit, clock
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.retry import retry_once
from yishi.places.permissions import person_of

from .. import rules, selectors
from ..models import (
    Attendance,
    BallotBox,
    Meeting,
    Participant,
    Vote,
    VoteMethod,
    VoterMark,
)
from ..rules import MeetingState
from ._shared import _lock_meeting, _move_meeting, _require_staff, _text


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
            opened_at=clock.now(),
        )
        if method == VoteMethod.BALLOT:
            BallotBox.objects.create(vote=vote)
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
            raise RuleViolation(_("This vote is by secret ballot."),
                                rule="vote_method", clause=rules.CLAUSE_MEETING)
        if vote.counted:
            raise RuleViolation(_("The counts have already been entered (for %(yes)d, against "
                                  "%(no)d, abstain %(abstain)d).")
                                % {"yes": vote.yes, "no": vote.no, "abstain": vote.abstain},
                                rule="already_counted", clause=rules.CLAUSE_MEETING)
        rules.check_hand_count(yes=yes, no=no, abstain=abstain, present=vote.present)
        vote.yes, vote.no, vote.abstain, vote.counted = yes, no, abstain, True
        vote.save(update_fields=["yes", "no", "abstain", "counted"])
        audit.record(actor=actor, action="vote.hands", obj=vote,
                     after={"yes": yes, "no": no, "abstain": abstain, "present": vote.present})
    return vote


BALLOT_CHOICES = ("yes", "no", "abstain")


def _box(vote: Vote) -> BallotBox:
    # Votes opened before ballot boxes existed got theirs from the migration; this is for
    # a vote row written by hand (tests, a restore of an older dump).
    box, _created = BallotBox.objects.get_or_create(vote=vote)
    return box


@retry_once
def cast_ballot(*, actor: Any, meeting: Meeting, choice: str) -> None:
    """投票表决 on a phone: each present participant once; the ballot names no one.

    The choice only adds one to a total (``BallotBox``), in the transaction that marks the
    participant as having voted: nothing kept at rest says who chose what.
    """
    if choice not in BALLOT_CHOICES:
        raise RuleViolation(_("Choose for, against or abstain."), rule="input")
    me = person_of(actor)
    with transaction.atomic():
        # Lock the vote row: sixty phones at the same second are counted one after another,
        # each checked against the ballots already in (never more ballots than present).
        current = Meeting.objects.get(pk=meeting.pk)
        vote = _lock_vote(current)
        if vote.method != VoteMethod.BALLOT:
            raise RuleViolation(_("This vote is by show of hands."),
                                rule="vote_method", clause=rules.CLAUSE_MEETING)
        participant = (Participant.objects.filter(plan_id=current.plan_id, person=me).first()
                       if me is not None else None)
        if participant is None or not Attendance.objects.filter(
                meeting=current, participant=participant).exists():
            raise PermissionDenied(_("Only participants signed in at the meeting can vote."),
                                   rule="not_present", clause=rules.CLAUSE_MEETING)
        if VoterMark.objects.filter(vote=vote, participant=participant).exists():
            raise RuleViolation(_("You have already voted."),
                                rule="already_voted", clause=rules.CLAUSE_MEETING)
        box = _box(vote)
        if box.cast >= vote.present:
            raise RuleViolation(_("As many ballots as people present are already in."),
                                rule="votes_exceed_present", clause=rules.CLAUSE_MEETING)
        try:
            with transaction.atomic():  # the unique mark is the last line of defence
                VoterMark.objects.create(vote=vote, participant=participant)
        except IntegrityError:
            raise RuleViolation(_("You have already voted."),
                                rule="already_voted", clause=rules.CLAUSE_MEETING) from None
        BallotBox.objects.filter(pk=box.pk).update(**{choice: F(choice) + 1})
        # The audit event says that the participant voted, never how.
        audit.record(actor=actor, action="vote.ballot", obj=vote, after={"ballots": "+1"})


def enter_paper_ballots(*, actor: Any, meeting: Meeting, yes: int, no: int,
                        abstain: int) -> Vote:
    """Paper ballots counted in the room, entered by the secretary; they count against present."""
    _require_staff(actor, meeting.topic)
    with transaction.atomic():
        current = Meeting.objects.get(pk=meeting.pk)
        vote = _lock_vote(current)  # Lock: phone ballots and a paper batch at the same time.
        if vote.method != VoteMethod.BALLOT:
            raise RuleViolation(_("This vote is by show of hands."),
                                rule="vote_method", clause=rules.CLAUSE_MEETING)
        box = _box(vote)
        rules.check_hand_count(yes=yes, no=no, abstain=abstain,
                               present=vote.present - box.cast)
        BallotBox.objects.filter(pk=box.pk).update(
            yes=F("yes") + yes, no=F("no") + no, abstain=F("abstain") + abstain,
            paper=F("paper") + yes + no + abstain)
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
            box = _box(vote)
            vote.yes, vote.no, vote.abstain = box.yes, box.no, box.abstain
            vote.counted = True
        before = _move_meeting(actor, locked, "close_vote")
        vote.passed = vote.explanation().passed
        vote.closed_at = clock.now()
        vote.save()
        audit.record(actor=actor, action="meeting.close_vote", obj=locked,
                     before={"state": before},
                     after={"state": locked.state, "yes": vote.yes, "no": vote.no,
                            "abstain": vote.abstain, "passed": vote.passed})
    return vote
