"""Texts sent to people and the minutes produced from what was recorded (no retyping)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from yishi.core.text import colon

from . import rules
from .models import Meeting, Plan, Topic


def _state(topic: Topic) -> str:
    return str(rules.TOPIC_STATES.get(topic.state, topic.state))


def screening_notice(topic: Topic, reason: str = "") -> tuple[str, str]:
    """The proposer hears the screening decision, with the reason when refused or referred."""
    subject = _("Your topic “%(title)s”: %(state)s") % {"title": topic.title,
                                                          "state": _state(topic)}
    body = reason
    if topic.referred_to:
        body = _("Referred to %(to)s. %(reason)s") % {"to": topic.referred_to, "reason": reason}
    return subject, body


def meeting_notice(plan: Plan, meeting: Meeting) -> tuple[str, str]:
    """提前通知相关单位和人员, 同时提供议题材料 (000 §(二)(4)2)."""
    when = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    subject = _("Consultation on “%(title)s”, %(when)s") % {"title": plan.topic.title,
                                                            "when": when}
    body = "\n".join([
        _("Time: %(when)s") % {"when": when},
        _("Place: %(place)s") % {"place": meeting.location},
        _("Form: %(form)s") % {"form": rules.FORMS.get(plan.form, plan.form)},
        _("Rules of procedure: %(rules)s") % {"rules": plan.rules_text},
        _("Materials: %(materials)s") % {"materials": plan.materials or "—"},
    ])
    return subject, body


def outcome_notice(topic: Topic) -> tuple[str, str]:
    """协商成果向各利益相关方及时通报 (000 §(二)(4)4)."""
    outcome = getattr(topic, "outcome", None)
    text = ""
    if outcome is not None:
        text = outcome.memo or outcome.assembly_decision
    return _("Outcome of the consultation on “%(title)s”") % {"title": topic.title}, text


def board_notice(topic: Topic) -> tuple[str, str]:
    """公示: the title and body posted on the community's notice board."""
    outcome = topic.outcome
    text = outcome.memo or outcome.assembly_decision or topic.title
    period = _("Posted from %(start)s to %(end)s. Residents with views on it during this "
               "period may tell the consultation committee of %(place)s.") % {
        "start": outcome.published_from.strftime("%Y-%m-%d") if outcome.published_from else "",
        "end": outcome.published_until.strftime("%Y-%m-%d") if outcome.published_until else "",
        "place": topic.community.name,
    }
    title = _("Public notice of the outcome of the consultation on “%(title)s”") % {
        "title": topic.title}
    return title, f"{text}\n{period}"


def minutes_text(meeting: Meeting) -> str:
    """会议记录, assembled from the recorded attendance, steps, speeches and vote."""
    topic, plan = meeting.topic, meeting.plan
    lines = [
        _("Minutes of the consultation on “%(title)s” (consultation no. %(n)d)")
        % {"title": topic.title, "n": meeting.number},
        _("Time: %(when)s") % {"when": timezone.localtime(meeting.opened_at or meeting.starts_at)
                                .strftime("%Y-%m-%d %H:%M")},
        _("Place: %(place)s") % {"place": meeting.location},
        _("Form: %(form)s") % {"form": rules.FORMS.get(plan.form, plan.form)},
        _("Convener: %(name)s; recorder: %(rec)s") % {"name": plan.convener.name,
                                                     "rec": plan.recorder.name},
        _("Source: %(source)s; catalogue item: %(item)s")
        % {"source": topic.get_source_display(), "item": topic.catalogue_title or "—"},
    ]
    present = [a.participant.display_name for a in
               meeting.attendance.select_related("participant__person")]
    lines.append(_("Present (%(n)d): %(names)s") % {"n": len(present), "names": "、".join(present)})
    lines.append(_("Committee members: %(members)d, present: %(present)d")
                 % {"members": meeting.members, "present": meeting.members_present})
    for step in meeting.steps.all():
        label = rules.MEETING_ACTIONS.get(step.action, step.action)
        when = timezone.localtime(step.at).strftime("%H:%M")
        lines.append(f"[{when}] {label}" + (f"{colon()}{step.summary}" if step.summary else ""))
    for speech in meeting.speeches.select_related("participant__person"):
        lines.append(f"  {speech.position}. {speech.participant.display_name}{colon()}"
                     f"{speech.opinion}")
    vote = getattr(meeting, "vote", None)
    if vote is not None and vote.closed_at is not None:
        e = vote.explanation()
        lines.append(_("Vote (%(method)s) on “%(q)s”: for %(yes)d, against %(no)d, abstain "
                       "%(abstain)d.") % {"method": vote.get_method_display(), "q": vote.question,
                                          "yes": vote.yes, "no": vote.no,
                                          "abstain": vote.abstain})
        lines.append(e.text)
    if meeting.result:
        lines.append(_("Result: %(result)s") % {"result": rules.MEETING_RESULTS[meeting.result]})
    if meeting.conclusion:
        lines.append(meeting.conclusion)
    return "\n".join(lines)
