"""Declared procedure templates over the one workflow engine (``yishi.core.workflow``).

A topic follows one template, chosen per topic among those its community offers:

- ``consultation``: the consultation procedure itself (000 §(二)(4)), declared as
  ``rules.TOPIC_TRANSITIONS`` with its guards; it is referred to here, not copied.
- ``four_two``: 四议两公开 (004 第一篇 四.2): 党支部会提议 → “两委”会商议 → 党员大会审议 →
  村民代表会议或村民会议决议, then 决议公开 and 实施结果公开.
- ``hearing``: 听证会 (000 §(二)(3) 村(居)民决策听证; 001 §二(一)2(3) 民主听证会;
  004 第五篇 二(三)2(4) 社区社会事务听证会).

An ordered template is a table of steps; each step says who decides it, whether it records
a vote (and under which quorum and majority), and whether it posts a public notice. The
table is turned into a ``core.workflow`` table (state = the last step done) so the same
``next_state`` refuses a step out of order. Pure: no ORM, no request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yishi.core.exceptions import RuleViolation
from yishi.core.workflow import Step, Table, next_state
from yishi.places.kinds import RoleKind

from . import rules

CLAUSE_FOUR_TWO = "004 第一篇 四.2"
CLAUSE_HEARING = "001 §二(一)2(3)"
CLAUSE_HEARING_COMMUNITY = "004 第五篇 二(三)2(4)"
CLAUSE_HEARING_FORM = "000 §(二)(3)"
# 《中华人民共和国村民委员会组织法》第二十六条: 村民代表会议有三分之二以上的组成人员参加方可
# 召开, 所作决定应当经到会人员的过半数同意.
CLAUSE_REPRESENTATIVES_LAW = "村民委员会组织法 第二十六条"

CONSULTATION = "consultation"
FOUR_TWO = "four_two"
HEARING = "hearing"

START = ""  # the state before the first step
STOPPED = "stopped"  # a binding vote failed: the matter ends there

RUNNING_ROLES = frozenset({RoleKind.STAFF, RoleKind.CHAIR, RoleKind.PARTY})
PARTY_ROLES = frozenset({RoleKind.PARTY})
# 涉及政府有关部门…的项目, 由…乡镇(街道)会同项目所在地社区, 共同组织听证 (001 §二(一)2(3)).
HEARING_ROLES = RUNNING_ROLES | {RoleKind.TOWNSHIP}
CHOOSING_ROLES = HEARING_ROLES


@dataclass(frozen=True)
class VoteRule:
    """The vote a step records: its quorum, its majority and what its ``members`` are.

    ``members`` is ``"representatives"`` (the community's representatives on the register)
    or ``"present"`` (those taking part, for a hearing with no fixed roll).
    """

    members: str = "representatives"
    quorum: Fraction | None = None  # 以上: at least this share of members present
    share: Fraction = rules.HALF
    strict: bool = True  # 过半数: more than the share
    base: str = "present"
    binding: bool = True  # a failed binding vote ends the procedure
    required: bool = True
    clause: str = ""


@dataclass(frozen=True)
class ProcedureStep:
    """One row of an ordered template."""

    code: str
    label: Any
    roles: frozenset[str]
    clause: str
    vote: VoteRule | None = None
    notice: bool = False  # a 公开 step: posts a notice on the community's board
    notice_kind: str = "outcome"


@dataclass(frozen=True)
class Procedure:
    """A template: an ordered table of steps, or (for ``consultation``) the topic table."""

    code: str
    label: Any
    clause: str
    steps: tuple[ProcedureStep, ...] = ()
    transitions: Table | None = None

    @property
    def ordered(self) -> bool:
        return bool(self.steps)

    def step(self, code: str) -> ProcedureStep | None:
        return next((s for s in self.steps if s.code == code), None)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.steps)

    def table(self) -> dict[tuple[str, str], Step]:
        """The steps as a ``core.workflow`` table: from the last step done to the next."""
        table: dict[tuple[str, str], Step] = {}
        before = START
        for s in self.steps:
            table[(before, s.code)] = Step(s.code, s.clause)
            before = s.code
        return table

    def labels(self) -> dict[str, str]:
        labels = {START: gettext("not started"), STOPPED: gettext("stopped")}
        labels.update({s.code: str(s.label) for s in self.steps})
        return labels


# 村民代表会议: 2/3 of its members present to sit, more than half of those present to decide.
REPRESENTATIVES_VOTE = VoteRule(
    members="representatives", quorum=rules.TWO_THIRDS, share=rules.HALF, strict=True,
    base="present", binding=True, required=True, clause=CLAUSE_REPRESENTATIVES_LAW,
)
# 听证会: the opinions of the hearing representatives are counted as a reference (倾向性方案),
# not a decision, so a failed count does not end the hearing; counts are optional.
HEARING_VOTE = VoteRule(
    members="present", quorum=None, share=rules.HALF, strict=True, base="present",
    binding=False, required=False, clause=CLAUSE_HEARING,
)

FOUR_TWO_STEPS: tuple[ProcedureStep, ...] = (
    # 四议
    ProcedureStep("party_proposes", _("Party branch proposes (党支部会提议)"), PARTY_ROLES,
                  CLAUSE_FOUR_TWO),
    ProcedureStep("committees_discuss", _("The two committees discuss (“两委”会商议)"),
                  RUNNING_ROLES, CLAUSE_FOUR_TWO),
    ProcedureStep("members_review", _("Party members' meeting reviews (党员大会审议)"),
                  PARTY_ROLES, CLAUSE_FOUR_TWO),
    ProcedureStep("representatives_resolve",
                  _("Representatives' meeting resolves (村(居)民代表会议决议)"),
                  RUNNING_ROLES, CLAUSE_FOUR_TWO, vote=REPRESENTATIVES_VOTE),
    # 两公开
    ProcedureStep("resolution_public", _("Resolution made public (决议公开)"), RUNNING_ROLES,
                  CLAUSE_FOUR_TWO, notice=True),
    ProcedureStep("result_public", _("Implementation result made public (实施结果公开)"),
                  RUNNING_ROLES, CLAUSE_FOUR_TWO, notice=True),
)

HEARING_STEPS: tuple[ProcedureStep, ...] = (
    # 由村(社区)两委组织相关人员召开听证会 (001 §二(一)2(3))
    ProcedureStep("announce", _("Hearing announced (发布听证公告)"), HEARING_ROLES,
                  CLAUSE_HEARING, notice=True, notice_kind="other"),
    ProcedureStep("register", _("Hearing representatives registered (确定听证代表)"),
                  HEARING_ROLES, CLAUSE_HEARING),
    # 就议题的可行性、必要性进行充分协商论证
    ProcedureStep("hold", _("Hearing held, statements recorded (举行听证)"), HEARING_ROLES,
                  CLAUSE_HEARING),
    # 形成的倾向性方案应充分考虑听证代表的意见和建议
    ProcedureStep("opinions", _("Hearing opinions recorded (形成倾向性方案)"), HEARING_ROLES,
                  CLAUSE_HEARING, vote=HEARING_VOTE),
    # 向政府部门反馈居民意见 (004 第五篇 二(三)2(4)); 作为决策参考
    ProcedureStep("publish", _("Hearing result published (公布听证结果)"), HEARING_ROLES,
                  CLAUSE_HEARING_COMMUNITY, notice=True),
)

PROCEDURES: dict[str, Procedure] = {
    CONSULTATION: Procedure(CONSULTATION, _("Consultation (协商)"), rules.CLAUSE_TOPIC,
                            transitions=rules.TOPIC_TRANSITIONS),
    FOUR_TWO: Procedure(FOUR_TWO, _("Four deliberations, two disclosures (四议两公开)"),
                        CLAUSE_FOUR_TWO, steps=FOUR_TWO_STEPS),
    HEARING: Procedure(HEARING, _("Hearing (听证会)"), CLAUSE_HEARING_FORM, steps=HEARING_STEPS),
}

PROCEDURE_CHOICES: list[tuple[str, Any]] = [(p.code, p.label) for p in PROCEDURES.values()]
DEFAULT_OFFERED = ",".join(PROCEDURES)


def get_procedure(code: str) -> Procedure:
    try:
        return PROCEDURES[code]
    except KeyError:
        raise RuleViolation(gettext("Unknown procedure “%(code)s”.") % {"code": code},
                            rule="procedure", clause=CLAUSE_HEARING_FORM) from None


def parse_offered(value: str) -> list[str]:
    """The procedures a community offers, from its setting (comma-separated codes)."""
    codes = [c.strip() for c in (value or "").split(",") if c.strip()]
    return [c for c in PROCEDURES if c in codes]


@dataclass(frozen=True)
class Done:
    """A step already recorded, as the rules need it."""

    code: str
    passed: bool | None = None


def _state(procedure: Procedure, done: Sequence[Done | str]) -> str:
    """The state after ``done``: the last step, or ``STOPPED`` after a failed binding vote.

    ``done`` must be a prefix of the template (the database keeps it so); anything else
    is a broken record and raises ``ValueError``.
    """
    items = [d if isinstance(d, Done) else Done(d) for d in done]
    if [d.code for d in items] != list(procedure.codes[: len(items)]):
        raise ValueError(f"recorded steps {[d.code for d in items]} are not in template order")
    if not items:
        return START
    last = items[-1]
    step = procedure.step(last.code)
    if step is not None and step.vote is not None and step.vote.binding and last.passed is False:
        return STOPPED
    return last.code


def next_procedure_step(procedure: Procedure | str,
                        done: Sequence[Done | str]) -> ProcedureStep | None:
    """The step that comes next, or None when the procedure is complete or stopped."""
    p = get_procedure(procedure) if isinstance(procedure, str) else procedure
    if not p.ordered:
        raise RuleViolation(gettext("This procedure is not a sequence of steps."),
                            rule="procedure", clause=p.clause)
    state = _state(p, done)
    if state == STOPPED:
        return None
    for (src, _action), step in p.table().items():
        if src == state:
            return p.step(step.target)
    return None


def check_procedure_step(procedure: Procedure | str, done: Sequence[Done | str],
                         code: str) -> ProcedureStep:
    """The step ``code`` if it may be recorded now; otherwise RuleViolation.

    步骤不能跳过: a step out of order (skipped, repeated, or after a failed resolution) is
    refused naming the rule ``step_order`` and the template's clause.
    """
    p = get_procedure(procedure) if isinstance(procedure, str) else procedure
    step = p.step(code)
    if step is None:
        raise RuleViolation(gettext("“%(step)s” is not a step of %(procedure)s.")
                            % {"step": code, "procedure": p.label}, rule="procedure",
                            clause=p.clause)
    state = _state(p, done)
    if state == STOPPED:
        raise RuleViolation(
            gettext("The resolution was not passed, so the procedure ends here; “%(step)s” "
                    "cannot be recorded.") % {"step": step.label},
            rule="resolution_failed", clause=p.clause)
    try:
        next_state(p.table(), state, code, labels=p.labels())
    except RuleViolation:
        expected = next_procedure_step(p, done)
        if expected is None:
            message = gettext("All steps of %(procedure)s are done.") % {"procedure": p.label}
        elif any((d.code if isinstance(d, Done) else d) == code for d in done):
            message = gettext("“%(step)s” is already recorded.") % {"step": step.label}
        else:
            message = gettext(
                "Steps cannot be skipped (步骤不能跳过): “%(step)s” must wait until "
                "“%(next)s” is recorded.") % {"step": step.label, "next": expected.label}
        raise RuleViolation(message, rule="step_order", clause=p.clause) from None
    return step


# --- Votes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteCount:
    yes: int
    no: int
    abstain: int
    present: int
    members: int
    passed: bool


def count_vote(rule: VoteRule, *, yes: int | None, no: int | None, abstain: int | None,
               present: int | None, representatives: int) -> VoteCount | None:
    """Check the counts against the step's quorum and majority; None for an optional vote
    left empty. A meeting short of its quorum cannot decide: refused, not recorded."""
    values = (yes, no, abstain, present)
    if all(v is None for v in values):
        if rule.required:
            raise RuleViolation(gettext("Enter the votes for, against, abstaining and the "
                                        "number present."), rule="input")
        return None
    if any(v is None for v in values):
        raise RuleViolation(gettext("Enter all four counts: for, against, abstain, present."),
                            rule="input")
    assert yes is not None and no is not None and abstain is not None and present is not None
    rules.check_hand_count(yes=yes, no=no, abstain=abstain, present=present)
    members = representatives if rule.members == "representatives" else present
    if rule.members == "representatives" and present > members:
        raise RuleViolation(
            gettext("%(present)d present but only %(members)d representatives are on the "
                    "register.") % {"present": present, "members": members},
            rule="votes_exceed_present", clause=rule.clause)
    # The representatives' meeting sits by the assembly rule (村委会组织法 第二十六条); any
    # other quorum a template declares, by its share.
    sits = (rules.assembly_quorum_met(kind="representatives", eligible=members, present=present)
            if rule.members == "representatives" and rule.quorum == rules.TWO_THIRDS
            else rules.quorum_met(members=members, present=present, share=rule.quorum)
            if rule.quorum is not None else True)
    if not sits:
        assert rule.quorum is not None
        needed = rules.needed_for_quorum(members, rule.quorum)
        if needed is None:
            message = gettext("No representatives are on the register, so the meeting "
                              "cannot sit.")
        else:
            message = gettext(
                "The representatives' meeting sits only with %(share)s of its %(members)d "
                "members present: %(present)d present, %(needed)d needed."
            ) % {"share": f"{rule.quorum.numerator}/{rule.quorum.denominator}",
                 "members": members, "present": present, "needed": needed}
        raise RuleViolation(message, rule="quorum", clause=rule.clause)
    passed = rules.vote_passes(yes=yes, no=no, abstain=abstain, present=present,
                               members=members, share=rule.share, strict=rule.strict,
                               base=rule.base)
    return VoteCount(yes, no, abstain, present, members, passed)


def vote_rule_text(rule: VoteRule) -> str:
    text = rules.rule_label(rule.share, rule.strict, rule.base)
    if rule.quorum is not None:
        text = gettext("%(quorum)s of the members present to sit; %(rule)s") % {
            "quorum": f"{rule.quorum.numerator}/{rule.quorum.denominator}", "rule": text}
    return text
