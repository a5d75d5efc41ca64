"""Topics: candidates from every source and their screening (000 §(二)(4)1, §(二)(1))."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from yishi.core import audit, clock
from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.notify import notify
from yishi.core.text import strip_invisible
from yishi.intake.models import JointProposal, Opinion
from yishi.places.models import Person, Place

from .. import notices, rules, selectors
from ..models import (
    RiskAssessment,
    Topic,
    TopicKind,
    TopicSource,
    TopicTransition,
)
from ..rules import TopicState
from ._shared import (
    _facts,
    _link,
    _lock_topic,
    _move_topic,
    _require_staff,
    _text,
    _user,
    can_approve,
)
from .committee import end_x_members_for_topic

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
    title = strip_invisible(title).strip()
    with transaction.atomic():
        from ..procedure_services import default_procedure

        topic = Topic.objects.create(
            community=community, title=title, text=text, category=category, source=source,
            proposer=proposer, mandatory=mandatory, entrusted_by=(entrusted_by or "")[:100],
            procedure=default_procedure(community),  # the community's chosen template
            from_opinion=from_opinion, from_proposal=from_proposal,
        )
        TopicTransition.objects.create(topic=topic, action="create", to_state=topic.state,
                                       actor=_user(actor), at=clock.now())
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
        locked.screened_at = clock.now()
        locked.save()
        if locked.state in rules.TERMINAL_TOPIC_STATES:  # merged, referred or rejected
            # 随协商事项完毕即告结束 (000 §(二)(2)): the topic's X members end with it.
            end_x_members_for_topic(actor=actor, topic=locked, on=clock.localdate())
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
    """受理: the topic fits the catalogue. The catalogue item makes it major or technical;
    ``major``/``technical`` are staff flags the party organisation confirms or declines
    (``decide_kind``); staff can never make a major item general."""
    _require_staff(actor, topic)
    entries = {e.code: e for e in selectors.catalogue_for(topic.community)}
    entry = entries.get(catalogue_code)
    if entry is None:
        raise RuleViolation(_("Choose the catalogue item the topic falls under."),
                            rule="catalogue", clause=rules.CLAUSE_CATALOGUE)
    note = _text(note, _("note"), required=False, limit=1000)
    kind = rules.screened_kind(entry=entry, flag_major=bool(major),
                               flag_technical=bool(technical))
    return _screen(actor=actor, topic=topic, action="accept", reason=note, facts_extra={},
                   changes={"kind": TopicKind.MAJOR if kind.major else TopicKind.GENERAL,
                            "technical": kind.technical, "major_flagged": kind.major_flagged,
                            "technical_flagged": kind.technical_flagged,
                            "catalogue_code": entry.code, "catalogue_title": entry.title[:200]})


# Before the party approves a plan or the notices go out, the kind can still be decided.
KIND_OPEN_STATES = frozenset({TopicState.ACCEPTED, TopicState.PLANNED})


def decide_kind(*, actor: Any, topic: Topic, major: bool, technical: bool,
                reason: str = "") -> Topic:
    """党组织认定: the party organisation decides whether the matter is major and whether
    experts must take part; recording it as general (or needing no experts) needs its
    reason. Clears the staff flags; audited with what it was before."""
    if not can_approve(actor, topic):
        raise PermissionDenied(_("Only the party organisation of %(place)s decides whether a "
                                 "matter is major.") % {"place": topic.community.name},
                               rule="party", clause=rules.CLAUSE_PREPARATION)
    reason = _text(reason, _("reason"), required=False, limit=1000)
    with transaction.atomic():
        locked = _lock_topic(topic)  # Lock: a decision racing the plan's approval.
        if locked.state not in KIND_OPEN_STATES:
            raise RuleViolation(
                _("The kind of matter is decided before the plan is approved and the notices "
                  "go out."), rule="kind_closed", clause=rules.CLAUSE_PREPARATION)
        rules.check_kind_decision(major_now=locked.is_major, technical_now=locked.technical,
                                  major=bool(major), technical=bool(technical), reason=reason)
        before = {"kind": locked.kind, "technical": locked.technical,
                  "major_flagged": locked.major_flagged,
                  "technical_flagged": locked.technical_flagged}
        locked.kind = TopicKind.MAJOR if major else TopicKind.GENERAL
        locked.technical = bool(technical)
        locked.major_flagged = locked.technical_flagged = False
        locked.kind_decided_by, locked.kind_decided_at = _user(actor), clock.now()
        locked.kind_reason = reason
        locked.save(update_fields=["kind", "technical", "major_flagged", "technical_flagged",
                                   "kind_decided_by", "kind_decided_at", "kind_reason"])
        audit.record(actor=actor, action="topic.decide_kind", obj=locked, before=before,
                     after={"kind": locked.kind, "technical": locked.technical,
                            "reason": reason})
    return locked


def record_risk_assessment(*, actor: Any, topic: Topic, level: str, findings: str,
                           mitigation: str = "") -> RiskAssessment:
    """社会稳定风险评估 (002): made (or redone) before a major matter's plan is approved."""
    _require_staff(actor, topic)
    findings = _text(findings, _("findings"), limit=4000)
    mitigation = _text(mitigation, _("mitigation"), required=False, limit=4000)
    rules.check_risk_assessment(level=level, findings=findings, mitigation=mitigation)
    with transaction.atomic():
        locked = _lock_topic(topic)  # Lock: an assessment racing the approval it is for.
        if locked.state not in KIND_OPEN_STATES:
            raise RuleViolation(
                _("The risk assessment is made before the plan is approved."),
                rule="risk_closed", clause=rules.CLAUSE_RISK)
        previous = RiskAssessment.objects.filter(topic=locked).first()
        risk, _created = RiskAssessment.objects.update_or_create(topic=locked, defaults={
            "level": level, "findings": findings, "mitigation": mitigation,
            "assessed_by": _user(actor), "assessed_at": clock.now()})
        audit.record(actor=actor, action="topic.assess_risk", obj=locked,
                     before={"level": previous.level} if previous else None,
                     after={"level": level, "risk": risk.pk})
    return risk


def merge_topic(*, actor: Any, topic: Topic, into: Topic, reason: str = "") -> Topic:
    """合并: the candidate is consulted on together with another open topic."""
    _require_staff(actor, topic)
    reason = _text(reason, _("reason"), required=False, limit=1000)
    if into.pk == topic.pk or into.community_id != topic.community_id:
        raise RuleViolation(_("Merge into another topic of the same community."),
                            rule="merge", clause=rules.CLAUSE_TOPIC)
    if into.state in rules.TERMINAL_TOPIC_STATES or into.state == TopicState.CANDIDATE:
        raise RuleViolation(_("Merge only into an accepted topic that is still open."),
                            rule="merge", clause=rules.CLAUSE_TOPIC)
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
