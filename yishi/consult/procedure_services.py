"""Actions of the procedure templates (四议两公开, hearings): choose a template, record a step.

As in ``services``: keyword-only ``actor``, the permission checked by role, one
``transaction.atomic()`` that locks the topic before reading its steps, the order checked
by ``procedures.check_procedure_step``, one audit event. A refusal raises before anything
is written. A 公开 step posts its notice through ``disclosure.services.publish_notice``
inside the same transaction, so a refused notice leaves the step unrecorded too (the notice
keeps its own audit event, written by the disclosure service).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yishi.core import audit, clock
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.places.models import Place, Role, RoleKind
from yishi.places.permissions import role_paths

from . import procedures, rules, selectors
from .models import ProcedureStep, Topic
from .procedures import Done, Procedure
from .rules import TopicState

NOTE_MAX = 4000
# A topic may change its template only before its procedure is under way.
CHOOSABLE_STATES = frozenset({TopicState.CANDIDATE, TopicState.ACCEPTED})


def _under(place: Place, paths: list[str]) -> bool:
    return any(place.path.startswith(p) for p in paths)


def offered_procedures(community: Place) -> list[str]:
    """The templates a community offers (its setting; all three by default)."""
    cfg = selectors.consult_settings(community)
    return procedures.parse_offered(cfg.procedures_offered)


def default_procedure(community: Place) -> str:
    cfg = selectors.consult_settings(community)
    offered = procedures.parse_offered(cfg.procedures_offered)
    if cfg.default_procedure in offered:
        return cfg.default_procedure
    return offered[0] if offered else procedures.CONSULTATION


def may_decide(actor: Any, topic: Topic, step: procedures.ProcedureStep) -> bool:
    """The actor holds one of the step's roles at the topic's community (or above it)."""
    if getattr(actor, "is_superuser", False):
        return True
    return _under(topic.community, role_paths(actor, step.roles))


def may_choose(actor: Any, topic: Topic) -> bool:
    if getattr(actor, "is_superuser", False):
        return True
    return _under(topic.community, role_paths(actor, procedures.CHOOSING_ROLES))


def representatives_count(community: Place) -> int:
    """村(居)民代表 on the register today, at the community or its groups."""
    return (Role.objects.active().filter(kind=RoleKind.REPRESENTATIVE,
                                         place__path__startswith=community.path)
            .values("person_id").distinct().count())


def done_steps(topic: Topic) -> list[Done]:
    return [Done(code, passed) for code, passed in
            ProcedureStep.objects.filter(topic=topic).order_by("seq")
            .values_list("step", "passed")]


def _lock(topic: Topic) -> Topic:
    # Two clerks recording the same step at once: the second waits here, then sees the
    # first one's row and is refused by the order check (the unique constraint backs it up).
    return (Topic.objects.select_for_update(of=("self",)).select_related("community")
            .get(pk=topic.pk))


def _require_ordered(topic: Topic) -> Procedure:
    procedure = procedures.get_procedure(topic.procedure)
    if not procedure.ordered:
        raise RuleViolation(
            _("This topic follows the consultation procedure; choose 四议两公开 or a hearing "
              "first."), rule="procedure", clause=procedure.clause)
    return procedure


def choose_procedure(*, actor: Any, topic: Topic, procedure: str) -> Topic:
    """Set the template a topic follows; only before its procedure has started."""
    template = procedures.get_procedure(procedure)
    if not may_choose(actor, topic):
        raise PermissionDenied(
            _("Only the staff, chair or party organisation of %(place)s (or the township) "
              "can choose the procedure.") % {"place": topic.community.name}, rule="staff")
    if template.code not in offered_procedures(topic.community):
        raise RuleViolation(_("%(community)s does not offer %(procedure)s.")
                            % {"community": topic.community.name, "procedure": template.label},
                            rule="procedure", clause=template.clause)
    with transaction.atomic():
        locked = _lock(topic)
        if ProcedureStep.objects.filter(topic=locked).exists() or (
                locked.state not in CHOOSABLE_STATES):
            raise RuleViolation(
                _("The procedure has started; its template can no longer change."),
                rule="procedure_started", clause=template.clause)
        before = locked.procedure
        if before != template.code:
            locked.procedure = template.code
            locked.save(update_fields=["procedure"])
        audit.record(actor=actor, action="topic.choose_procedure", obj=locked,
                     before={"procedure": before}, after={"procedure": template.code})
    return locked


def _checked(actor: Any, topic: Topic, step: str, note: str,
             notice_days: int) -> tuple[Procedure, procedures.ProcedureStep, str]:
    """The checks of a step that need no lock: the template, the role, the note, the period."""
    procedure = _require_ordered(topic)
    template_step = procedure.step(step)
    if template_step is None:
        procedures.check_procedure_step(procedure, [], step)  # raises naming the rule
        raise AssertionError("unreachable")  # pragma: no cover
    if not may_decide(actor, topic, template_step):
        raise PermissionDenied(
            _("“%(step)s” is decided by another body of %(place)s.")
            % {"step": template_step.label, "place": topic.community.name}, rule="role",
            clause=template_step.clause)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise RuleViolation(_("The note may have at most %(n)d characters.") % {"n": NOTE_MAX},
                            rule="input")
    if template_step.notice and (isinstance(notice_days, bool) or not isinstance(notice_days, int)
                                 or not 1 <= notice_days <= 366):
        raise RuleViolation(_("The posting period is 1 to 366 days."), rule="input")
    return procedure, template_step, note


def _notice_fields(topic: Topic, step: procedures.ProcedureStep, note: str,
                   notice_days: int) -> dict[str, Any]:
    """What a 公开 step posts on the board from today, with the steps recorded before it."""
    earlier = list(ProcedureStep.objects.filter(topic=topic).order_by("seq"))
    text = _notice_text(topic, step, note, earlier)
    today = clock.localdate()
    return {"community": topic.community, "title": text.title, "body": text.body,
            "starts_on": today, "ends_on": today + timedelta(days=notice_days - 1),
            "kind": step.notice_kind,
            "issuer": _("Committees of %(place)s") % {"place": topic.community.name}}


def draft_step_notice(*, actor: Any, topic: Topic, step: str, note: str = "",
                      notice_days: int = 7) -> Any:
    """The notice recording the 公开 step ``step`` would post, never saved, so staff see it
    as the public will before they record it; ``None`` for a step that posts none. Refused
    as recording would be (the role, the order, the note, the period). Reads only."""
    from yishi.disclosure.services import draft_notice

    procedure, template_step, note = _checked(actor, topic, step, note, notice_days)
    if not template_step.notice:
        return None
    if topic.state in rules.TERMINAL_TOPIC_STATES:
        raise RuleViolation(_("The topic is closed."), rule="transition",
                            clause=rules.CLAUSE_PUBLICATION)
    procedures.check_procedure_step(procedure, done_steps(topic), step)
    return draft_notice(actor=actor, **_notice_fields(topic, template_step, note, notice_days))


@dataclass(frozen=True)
class _NoticeText:
    title: str
    body: str


def _notice_text(topic: Topic, step: procedures.ProcedureStep, note: str,
                 earlier: list[ProcedureStep]) -> _NoticeText:
    """The text posted on the board: the step, the matter, the vote it rests on, the note."""
    title = _("%(step)s: %(title)s") % {"step": step.label, "title": topic.title}
    lines = [note] if note else []
    for row in earlier:
        if row.yes is not None:
            earlier_step = procedures.get_procedure(topic.procedure).step(row.step)
            label = earlier_step.label if earlier_step else row.step
            lines.append(
                _("%(step)s on %(date)s: %(present)d present of %(members)d; %(yes)d for, "
                  "%(no)d against, %(abstain)d abstaining; %(result)s.")
                % {"step": label, "date": timezone.localdate(row.decided_at).isoformat(),
                   "present": row.present or 0, "members": row.members or 0,
                   "yes": row.yes, "no": row.no or 0, "abstain": row.abstain or 0,
                   "result": _("passed") if row.passed else _("not passed")})
    lines.append(_("Matter: %(text)s") % {"text": topic.text})
    return _NoticeText(title=title[:200], body="\n".join(lines))


def record_procedure_step(
    *,
    actor: Any,
    topic: Topic,
    step: str,
    note: str = "",
    yes: int | None = None,
    no: int | None = None,
    abstain: int | None = None,
    present: int | None = None,
    notice_days: int = 7,
) -> ProcedureStep:
    """Record one step of the topic's template: who, when, the vote, the public notice.

    Refused (nothing written) when the step is out of order (步骤不能跳过), the actor lacks
    the step's role, a vote step lacks its counts or its quorum, or a notice is refused.
    """
    procedure, template_step, note = _checked(actor, topic, step, note, notice_days)
    with transaction.atomic():
        locked = _lock(topic)
        if locked.procedure != procedure.code:
            raise RuleViolation(_("The topic's procedure changed; reload the page."),
                                rule="procedure", clause=procedure.clause)
        if locked.state in rules.TERMINAL_TOPIC_STATES:
            raise RuleViolation(_("The topic is closed."), rule="transition", clause=rules.CLAUSE_PUBLICATION)
        done = done_steps(locked)
        procedures.check_procedure_step(procedure, done, step)
        count = None
        if template_step.vote is not None:
            count = procedures.count_vote(
                template_step.vote, yes=yes, no=no, abstain=abstain, present=present,
                representatives=representatives_count(locked.community))
        elif any(v is not None for v in (yes, no, abstain, present)):
            raise RuleViolation(_("This step records no vote."), rule="input")
        now = clock.now()
        notice = None
        if template_step.notice:
            from yishi.disclosure.services import publish_notice

            notice = publish_notice(
                actor=actor, source_type="consult.topic", source_id=locked.pk,
                **_notice_fields(locked, template_step, note, notice_days))
        row = ProcedureStep.objects.create(
            topic=locked, step=step, seq=len(done) + 1, decided_by=actor, decided_at=now,
            yes=count.yes if count else None, no=count.no if count else None,
            abstain=count.abstain if count else None,
            present=count.present if count else None,
            members=count.members if count else None,
            passed=count.passed if count else None, note=note, notice=notice,
        )
        audit.record(
            actor=actor, action=f"topic.procedure.{step}", obj=locked,
            before={"procedure": procedure.code, "last_step": done[-1].code if done else ""},
            after={"step": step, "seq": row.seq, "passed": row.passed, "yes": row.yes,
                   "no": row.no, "abstain": row.abstain, "present": row.present,
                   "members": row.members, "notice": notice.pk if notice else None},
        )
    return row
