"""Minutes: signed by convener and recorder, then frozen; amendments after (000 §(二)(4)3)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from yishi.core import audit, clock
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.places.permissions import person_of

from .. import rules
from ..models import (
    Amendment,
    Meeting,
    Minutes,
    Plan,
)
from ..rules import TopicState
from ._shared import _lock_topic, _minutes_all_signed, _move_topic, _require_staff, _text

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
        now = clock.now()
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
                                    rule="already_signed", clause=rules.CLAUSE_MEETING)
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
                                             at=clock.now())
        audit.record(actor=actor, action="minutes.amend", obj=amendment,
                     after={"minutes": minutes.pk, "frozen": minutes.frozen})
    return amendment
