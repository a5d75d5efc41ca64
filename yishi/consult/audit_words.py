"""A topic's audit trail as sentences (「周建华 于 2026-12-04 10:25 结束会议」), never the
events' codes (``meeting.close``): the phrase of each action a topic's file can show."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PHRASES: dict[str, Any] = {
    "topic.candidate": gettext_lazy("raised the topic"),
    "topic.accept": gettext_lazy("accepted the topic for consultation"),
    "topic.reject": gettext_lazy("did not accept the topic"),
    "topic.merge": gettext_lazy("merged the topic into another"),
    "topic.refer": gettext_lazy("referred the topic to a department"),
    "topic.decide_kind": gettext_lazy("decided whether it is a major matter"),
    "topic.assess_risk": gettext_lazy("recorded the risk assessment"),
    "topic.choose_procedure": gettext_lazy("chose the procedure"),
    "topic.draft_plan": gettext_lazy("drafted the consultation plan"),
    "topic.approve_plan": gettext_lazy("approved the consultation plan"),
    "topic.notify": gettext_lazy("sent the meeting notices"),
    "topic.schedule_second": gettext_lazy("scheduled a second consultation"),
    "topic.refer_assembly": gettext_lazy("referred it to the residents' meeting"),
    "topic.file": gettext_lazy("filed the outcome"),
    "topic.publish": gettext_lazy("published the outcome on the notice board"),
    "topic.close": gettext_lazy("closed the topic"),
    "plan.update": gettext_lazy("changed the consultation plan"),
    "plan.add_participant": gettext_lazy("added a participant"),
    "plan.remove_participant": gettext_lazy("removed a participant"),
    "meeting.open_sign_in": gettext_lazy("opened the sign-in"),
    "meeting.sign_in": gettext_lazy("signed in to the meeting"),
    "meeting.undo_sign_in": gettext_lazy("took back a participant's sign-in"),
    "meeting.open": gettext_lazy("opened the meeting"),
    "meeting.speech": gettext_lazy("recorded a speech"),
    "meeting.open_vote": gettext_lazy("opened the vote"),
    "meeting.close_vote": gettext_lazy("closed the vote"),
    "meeting.close": gettext_lazy("closed the meeting"),
    "meeting.cancel": gettext_lazy("cancelled the meeting"),
    "meeting.reschedule": gettext_lazy("moved the meeting to another time"),
    "vote.hands": gettext_lazy("recorded the show of hands"),
    "vote.paper": gettext_lazy("recorded the paper ballots"),
    "vote.ballot": gettext_lazy("cast a ballot"),
    "minutes.sign": gettext_lazy("signed the minutes"),
    "minutes.amend": gettext_lazy("corrected the minutes"),
    "assembly.record": gettext_lazy("recorded the residents' meeting"),
    "assembly.attend": gettext_lazy("recorded attendance at the residents' meeting"),
    "assembly.decide": gettext_lazy("recorded the residents' meeting's decision"),
    "committee.add_x": gettext_lazy("added a member for this matter"),
    "committee.end_x": gettext_lazy("ended a member's service for this matter"),
}


def phrase(action: str) -> str:
    if action.startswith("topic.procedure."):
        return str(_("recorded a step of the procedure"))
    found = PHRASES.get(action)
    return str(found) if found is not None else str(_("recorded a change"))


def who(event: Any) -> str:
    """The person's name, else the account's; a task of the system is 系统."""
    actor = event.actor
    if actor is None:
        return str(_("the system"))
    person = getattr(actor, "person", None)
    return str(getattr(person, "name", "") or actor.get_username())


def sentence(event: Any) -> str:
    return _("%(who)s at %(time)s %(what)s") % {
        "who": who(event), "what": phrase(event.action),
        "time": timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M")}
