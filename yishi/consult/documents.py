"""Minutes (会议记录) and consensus memos (共识纪要) as printable documents.

The text comes from what was recorded (``Minutes.body`` is generated from the meeting),
laid out by ``disclosure.documents`` on the GB/T 9704 page, as PDF or DOCX.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from yishi.core import clock
from yishi.disclosure.documents import render_document_docx, render_document_pdf

from .models import Meeting, Minutes, Outcome, Topic

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class Document:
    title: str
    sections: list[tuple[str, str]]
    issuer: str
    date: date
    extra_lines: list[str]
    filename: str


def _issuer(topic: Topic) -> str:
    return _("Consultation committee of %(place)s") % {"place": topic.community.name}


def _signed(label: str, who: object, at: object) -> str:
    if at is None:
        return _("%(role)s: not signed yet") % {"role": label}
    when = timezone.localtime(at).strftime("%Y-%m-%d %H:%M")  # type: ignore[arg-type]
    return _("%(role)s: signed by %(name)s on %(when)s") % {
        "role": label, "name": getattr(getattr(who, "person", None), "name", "") or str(who),
        "when": when}


def minutes_document(minutes: Minutes) -> Document:
    meeting: Meeting = minutes.meeting
    topic = meeting.topic
    sections: list[tuple[str, str]] = [("", minutes.body)]
    amendments = list(minutes.amendments.order_by("at"))
    if amendments:
        sections.append((_("Amendments"), "\n".join(
            f"{timezone.localtime(a.at):%Y-%m-%d %H:%M} {a.text}" for a in amendments)))
    held = timezone.localtime(meeting.opened_at or meeting.starts_at).date()
    return Document(
        title=_("Minutes of the consultation on “%(title)s” (no. %(n)d)")
        % {"title": topic.title, "n": meeting.number},
        sections=sections, issuer=_issuer(topic), date=held,
        extra_lines=[
            _signed(_("Convener"), minutes.convener_signed_by, minutes.convener_signed_at),
            _signed(_("Recorder"), minutes.recorder_signed_by, minutes.recorder_signed_at),
        ],
        filename=f"minutes-{topic.pk}-{meeting.number}",
    )


def memo_document(outcome: Outcome) -> Document:
    """共识纪要: the topic, the consensus and the vote that carried it."""
    topic = outcome.topic
    sections = [(_("Topic"), topic.text), (_("Consensus"), outcome.memo)]
    meeting = outcome.meeting
    vote = getattr(meeting, "vote", None) if meeting is not None else None
    if vote is not None and vote.closed_at:
        sections.append((_("Vote"), _("%(q)s — for %(yes)d, against %(no)d, abstain %(ab)d.")
                         % {"q": vote.question, "yes": vote.yes, "no": vote.no,
                            "ab": vote.abstain}))
    when = meeting.closed_at if meeting is not None else None
    return Document(
        title=_("Consensus memo on “%(title)s”") % {"title": topic.title},
        sections=sections, issuer=_issuer(topic),
        date=timezone.localtime(when).date() if when else clock.localdate(),
        extra_lines=[], filename=f"consensus-{topic.pk}",
    )


def render(document: Document, fmt: str, *, url: str = "") -> bytes:
    render_fn = render_document_pdf if fmt == "pdf" else render_document_docx
    return render_fn(title=document.title, sections=document.sections,
                     issuer=document.issuer, date=document.date, url=url,
                     extra_lines=document.extra_lines)
