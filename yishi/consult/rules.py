"""Pure rules of the consultation procedure (000 §(二)(4), 001 §二(二), 003 §六).

No ORM and no request here: quorum and majority arithmetic, the consultation catalogue's
defaults, and the two workflow tables (topics and meetings) with their guards. Counting
words follow Chinese legal usage: 以上 includes the number itself, 过半数 excludes it.
Only integers and ``Fraction`` are used, never rounded decimals such as 0.67.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yishi.core.exceptions import RuleViolation
from yishi.core.workflow import Step, Table, next_state

if TYPE_CHECKING:  # the board's facts carry times; the rules only compare and print them
    from datetime import datetime

# --- Seed clauses ------------------------------------------------------------------------

CLAUSE_CATALOGUE = "000 §(二)(1)"
CLAUSE_PARTICIPANTS = "000 §(二)(2)"
CLAUSE_TOPIC = "000 §(二)(4)1"
CLAUSE_PREPARATION = "000 §(二)(4)2"
CLAUSE_MEETING = "000 §(二)(4)3"
CLAUSE_PUBLICATION = "000 §(二)(4)4"
CLAUSE_FLOW = "001 §二(二)3"
# 对重大决策、事项和工程严格实行社会稳定风险评估 (002, Chengdu's five implementation outlines)
CLAUSE_RISK = "002 重大决策社会稳定风险评估"

# --- Quorum and majority -------------------------------------------------------------------

Share = Fraction | int

TWO_THIRDS = Fraction(2, 3)
HALF = Fraction(1, 2)

BASES: dict[str, Any] = {
    "yes_no": _("valid votes (for + against)"),
    "cast": _("votes cast (for + against + abstain)"),
    "present": _("those present"),
    "members": _("all committee members"),
}


def _share(share: Share) -> Fraction:
    """Refuse floats: 0.67 is not two thirds."""
    if isinstance(share, bool) or not isinstance(share, Fraction | int):
        raise TypeError("a share is an int or a fractions.Fraction, never a float")
    value = Fraction(share)
    if not 0 < value <= 1:
        raise ValueError("a share lies in (0, 1]")
    return value


def _count(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int")
    if value < 0:
        raise ValueError(f"{name} must not be negative")
    return value


def quorum_met(*, members: int, present: int, share: Share = TWO_THIRDS) -> bool:
    """``present`` is at least ``share`` of ``members`` (三分之二以上 includes 2/3 itself).

    000 §(二)(4)2: a major matter's meeting opens only with 2/3 of the committee present.
    An empty committee never has a quorum.
    """
    members, present, s = _count("members", members), _count("present", present), _share(share)
    if members == 0:
        return False
    return present * s.denominator >= s.numerator * members


def needed_for_quorum(members: int, share: Share = TWO_THIRDS) -> int | None:
    """The smallest number present that meets the quorum; None for an empty committee."""
    members, s = _count("members", members), _share(share)
    if members == 0:
        return None
    return -(-s.numerator * members // s.denominator)  # ceil without floats


def missing_for_quorum(members: int, present: int, share: Share = TWO_THIRDS) -> int | None:
    """How many more members must be present; 0 when met, None when no count can meet it."""
    needed = needed_for_quorum(members, share)
    if needed is None:
        return None
    return max(0, needed - _count("present", present))


# --- 7+X: the committee is seven fixed seats plus the topic's X members (000 §(二)(2)) -----

FIXED_SEATS = 7  # 党组织、村(居)委会、监委会、村(居)民代表、妇女、社会组织、有威望的同志


def committee_size(x_members: int) -> int:
    """The committee a major matter's quorum is taken of: always the seven fixed seats plus
    the X members; a vacant or lapsed seat is an absent member, never a smaller committee."""
    return FIXED_SEATS + _count("x_members", x_members)


def members_present(*, seat_holders: Mapping[str, int], x_members: Collection[int],
                    present: Collection[int]) -> int:
    """How many of the 7+X are present: the filled seats whose holder signed in plus the X
    members who did. ``seat_holders`` maps each filled seat to its holder; a vacant seat has
    no holder and so is never present."""
    here = set(present)
    seats = sum(1 for person in seat_holders.values() if person in here)
    return seats + sum(1 for person in set(x_members) if person in here)


def vacant_seats(seats: Sequence[str], filled: Collection[str]) -> list[str]:
    """The fixed seats nobody holds, in the order given (the committee is incomplete)."""
    return [s for s in seats if s not in filled]


def vote_base(*, yes: int, no: int, abstain: int, present: int, members: int, base: str) -> int:
    """The number the share is taken of."""
    if base == "yes_no":
        return yes + no
    if base == "cast":
        return yes + no + abstain
    if base == "present":
        return present
    if base == "members":
        return members
    raise ValueError(f"unknown majority base {base!r}; one of {sorted(BASES)}")


def required_yes(base_value: int, share: Share = HALF, *, strict: bool = True) -> int | None:
    """The fewest votes for that pass; None when the base is zero (nothing can pass)."""
    s = _share(share)
    if _count("base", base_value) == 0:
        return None
    product = s.numerator * base_value
    if strict:  # 过半数: more than the share
        return product // s.denominator + 1
    return max(1, -(-product // s.denominator))  # 以上: at least the share


def _check_counts(yes: int, no: int, abstain: int, present: int, members: int) -> None:
    for name, value in (("yes", yes), ("no", no), ("abstain", abstain), ("present", present),
                        ("members", members)):
        _count(name, value)
    if yes + no + abstain > present:
        raise ValueError("more votes than people present")


def vote_passes(
    *,
    yes: int,
    no: int,
    abstain: int,
    present: int,
    members: int,
    share: Share = HALF,
    strict: bool = True,
    base: str = "present",
) -> bool:
    """Whether ``yes`` carries the vote under the rule (default: more than half of those present).

    ``strict=True`` means more than the share (过半数); ``False`` at least it (三分之二以上).
    A zero base never passes.
    """
    _check_counts(yes, no, abstain, present, members)
    base_value = vote_base(yes=yes, no=no, abstain=abstain, present=present, members=members,
                           base=base)
    needed = required_yes(base_value, share, strict=strict)
    return needed is not None and yes >= needed


@dataclass(frozen=True)
class VoteExplanation:
    """What the result page shows: the rule, its base, the arithmetic and the result."""

    rule: str
    base: str
    base_label: str
    base_value: int
    share: Fraction
    strict: bool
    required: int | None
    yes: int
    no: int
    abstain: int
    present: int
    members: int
    passed: bool
    text: str


def rule_label(share: Share, strict: bool, base: str) -> str:
    s = _share(share)
    params = {"share": _share_words(s), "base": str(BASES[base])}
    if strict:
        return gettext("more than %(share)s of %(base)s") % params
    return gettext("at least %(share)s of %(base)s") % params


def _share_words(s: Fraction) -> str:
    if s == HALF:
        return gettext("half")
    return f"{s.numerator}/{s.denominator}"


def explain_vote(
    *,
    yes: int,
    no: int,
    abstain: int,
    present: int,
    members: int,
    share: Share = HALF,
    strict: bool = True,
    base: str = "present",
) -> VoteExplanation:
    """The arithmetic behind ``vote_passes``, in words for the result page."""
    s = _share(share)
    passed = vote_passes(yes=yes, no=no, abstain=abstain, present=present, members=members,
                         share=s, strict=strict, base=base)
    base_value = vote_base(yes=yes, no=no, abstain=abstain, present=present, members=members,
                           base=base)
    needed = required_yes(base_value, s, strict=strict)
    label = rule_label(s, strict, base)
    if needed is None:
        text = gettext("Rule: %(rule)s. The base is 0, so nothing can pass.") % {"rule": label}
    else:
        text = gettext(
            "Rule: %(rule)s. Base: %(base)d; %(share)s × %(base)d = %(product)s; "
            "votes for needed: %(needed)d; votes for: %(yes)d. %(result)s"
        ) % {
            "rule": label, "base": base_value, "share": f"{s.numerator}/{s.denominator}",
            "product": _fraction_text(s * base_value), "needed": needed, "yes": yes,
            "result": gettext("Passed.") if passed else gettext("Not passed."),
        }
    return VoteExplanation(
        rule=label, base=base, base_label=str(BASES[base]), base_value=base_value, share=s,
        strict=strict, required=needed, yes=yes, no=no, abstain=abstain, present=present,
        members=members, passed=passed, text=text,
    )


def _fraction_text(f: Fraction) -> str:
    if f.denominator == 1:
        return str(f.numerator)
    whole, rest = divmod(f.numerator, f.denominator)
    return f"{whole} {rest}/{f.denominator}" if whole else f"{rest}/{f.denominator}"


# --- Residents' and villagers' assemblies (001 §二(一)1, 000 §(二)(4)3) -----------------------

CLAUSE_ASSEMBLY = "001 §二(一)1"
CLAUSE_ASSEMBLY_NOTICE = "村民委员会组织法 第二十一条"  # 村民会议: notice ten days ahead

# kind -> (share, strict, clause): strict=True means more than the share (过半数),
# False at least it (三分之二以上).
ASSEMBLY_QUORUMS: dict[str, tuple[Fraction, bool, str]] = {
    # 村民会议: 有本村十八周岁以上村民的过半数参加 (村委会组织法 第二十二条)
    "villagers": (HALF, True, "村民委员会组织法 第二十二条"),
    # 或者有本村三分之二以上的户的代表参加 (the same article, counted by households)
    "villager_households": (TWO_THIRDS, False, "村民委员会组织法 第二十二条"),
    # 居民会议: 全体十八周岁以上的居民或者每户派代表…过半数出席 (居委会组织法 第十条)
    "residents": (HALF, True, "居民委员会组织法 第十条"),
    # 村民代表会议: 有三分之二以上的组成人员参加方可召开 (村委会组织法 第二十六条)
    "representatives": (TWO_THIRDS, False, "村民委员会组织法 第二十六条"),
}


def _assembly_rule(kind: str) -> tuple[Fraction, bool, str]:
    try:
        return ASSEMBLY_QUORUMS[kind]
    except KeyError:
        raise ValueError(f"unknown assembly kind {kind!r}; one of {sorted(ASSEMBLY_QUORUMS)}")\
            from None


def needed_for_assembly(*, kind: str, eligible: int) -> int | None:
    """The fewest present (people, or households for ``villager_households``) that let the
    assembly sit; None when no one is eligible (a zero base never passes)."""
    share, strict, _clause = _assembly_rule(kind)
    return required_yes(_count("eligible", eligible), share, strict=strict)


def assembly_quorum_met(*, kind: str, eligible: int, present: int) -> bool:
    """May a residents' or villagers' assembly open? (see DESIGN "Entry points")

    ``villagers`` and ``residents``: more than half of the eligible (过半数, the half
    itself is not enough); ``villager_households`` and ``representatives``: two thirds or
    more (三分之二以上 includes two thirds). No one eligible: never.
    """
    needed = needed_for_assembly(kind=kind, eligible=eligible)
    present = _count("present", present)
    return needed is not None and present >= needed


def missing_for_assembly(*, kind: str, eligible: int, present: int) -> int | None:
    """How many more must attend ("还差 N 人"); 0 when met, None when no count can meet it."""
    needed = needed_for_assembly(kind=kind, eligible=eligible)
    if needed is None:
        return None
    return max(0, needed - _count("present", present))


# 召开村民会议，应当提前十天通知村民 (村委会组织法 第二十一条); the other kinds take the
# community's notice period, never under a day.
ASSEMBLY_NOTICE_DAYS = {"villagers": 10, "villager_households": 10}


def assembly_notice_days(kind: str, community_days: int) -> int:
    _assembly_rule(kind)
    return max(ASSEMBLY_NOTICE_DAYS.get(kind, 0), community_days, 1)


def check_assembly_dates(*, kind: str, noticed_on: date, held_on: date, consulted_on: date,
                         today: date, community_days: int) -> None:
    """An assembly decides a consultation already held, on a day not in the future, after
    the notice the law asks for."""
    if held_on > today:
        raise RuleViolation(gettext("Record the meeting once it has been held: %(day)s is in "
                                    "the future.") % {"day": held_on.isoformat()},
                            rule="assembly_date", clause=CLAUSE_ASSEMBLY)
    if held_on < consulted_on:
        raise RuleViolation(
            gettext("The meeting decides on the consultation, so it is held on or after "
                    "%(day)s, the day of the consultation.") % {"day": consulted_on.isoformat()},
            rule="assembly_date", clause=CLAUSE_ASSEMBLY)
    days = assembly_notice_days(kind, community_days)
    if (held_on - noticed_on).days < days:
        raise RuleViolation(
            gettext("This meeting is announced %(days)d days ahead: for a meeting on %(held)s "
                    "the notice goes out by %(by)s.")
            % {"days": days, "held": held_on.isoformat(),
               "by": date.fromordinal(held_on.toordinal() - days).isoformat()},
            rule="assembly_notice",
            clause=CLAUSE_ASSEMBLY_NOTICE if kind in ASSEMBLY_NOTICE_DAYS else CLAUSE_ASSEMBLY)


def assembly_quorum_message(*, kind: str, eligible: int, present: int) -> str:
    missing = missing_for_assembly(kind=kind, eligible=eligible, present=present)
    if missing is None:
        return gettext("No one on the register is eligible for this meeting, so it cannot sit.")
    share, strict, _clause = _assembly_rule(kind)
    unit = gettext("households") if kind == "villager_households" else gettext("people")
    return gettext(
        "The meeting sits only with %(rule)s of the %(eligible)d eligible present: %(present)d "
        "present, %(missing)d more %(unit)s needed."
    ) % {"rule": (gettext("more than %(share)s") if strict else gettext("%(share)s or more"))
         % {"share": _fraction_text(share)}, "eligible": eligible, "present": present,
         "missing": missing, "unit": unit}


def check_assembly_quorum(*, kind: str, eligible: int, present: int) -> None:
    if not assembly_quorum_met(kind=kind, eligible=eligible, present=present):
        raise RuleViolation(assembly_quorum_message(kind=kind, eligible=eligible,
                                                    present=present),
                            rule="assembly_quorum", clause=_assembly_rule(kind)[2])


def check_may_carry_out(*, major: bool, assembly_passed: bool | None, action: str) -> None:
    """凡是需要民主决策的重大事项…再召开村(居)民会议或村(居)民代表会议讨论通过后实施
    (001 §二(一)1): a major matter is published as decided and carried out only after the
    assembly passed it; a general matter may be carried out once agreed (商定即行), unless
    an assembly it went to turned it down."""
    if assembly_passed is False and action == "implement":
        raise RuleViolation(gettext("The meeting did not pass the matter, so it is not "
                                    "carried out."), rule="assembly_rejected",
                            clause=CLAUSE_ASSEMBLY)
    if major and assembly_passed is not True:
        raise RuleViolation(
            gettext("A major matter is carried out and published as decided only after the "
                    "residents' (villagers') meeting or the representatives' meeting has "
                    "passed it: record that meeting first."),
            rule="assembly_required", clause=CLAUSE_ASSEMBLY)


def check_hand_count(*, yes: int, no: int, abstain: int, present: int) -> None:
    """A show of hands cannot count more hands than people present (000 §(二)(4)3)."""
    for name, value in (("yes", yes), ("no", no), ("abstain", abstain)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise RuleViolation(gettext("Counts must be whole numbers, 0 or more."), rule="input")
        del name
    if yes + no + abstain > present:
        raise RuleViolation(
            gettext("%(total)d votes counted but only %(present)d people are present.")
            % {"total": yes + no + abstain, "present": present},
            rule="votes_exceed_present", clause=CLAUSE_MEETING,
        )


# --- Floors: no community setting below the seeds -----------------------------------------
# A community may set a stricter value, never a weaker one. Each check raises RuleViolation
# naming its clause; the settings models' ``clean()`` shows it in the admin form and a check
# constraint keeps the table honest.

# 000 §(二)(4)2: 三分之二以上的协商委员会人员到场才能召开.
QUORUM_FLOOR = TWO_THIRDS
# 000 §(二)(4)3 (民主集中制) and 村委会组织法 第二十二条: a decision needs more than half (过半数).
MAJORITY_FLOOR = HALF
# 000 §(二)(4)2: 提前通知相关单位和人员 — at least the day before.
MIN_NOTICE_DAYS = 1


def check_quorum_floor(num: int, den: int) -> None:
    """The quorum share of a major matter is two thirds or more (以上 includes 2/3)."""
    if den <= 0 or num <= 0 or num > den:
        raise RuleViolation(gettext("The quorum is a share between 0 and 1 (for example 2/3)."),
                            rule="input")
    if Fraction(num, den) < QUORUM_FLOOR:
        raise RuleViolation(
            gettext("A major matter may open only with two thirds or more of the committee "
                    "present: %(num)d/%(den)d is below 2/3. Set 2/3 or more.")
            % {"num": num, "den": den},
            rule="quorum_floor", clause=CLAUSE_PREPARATION,
        )


def check_majority_floor(num: int, den: int, *, strict: bool) -> None:
    """A majority is more than half of its base (过半数): a share above 1/2, or exactly 1/2
    with "more than"; "at least half" would let a tie pass."""
    if den <= 0 or num <= 0 or num > den:
        raise RuleViolation(gettext("The majority is a share between 0 and 1 (for example 1/2)."),
                            rule="input")
    share = Fraction(num, den)
    if share < MAJORITY_FLOOR or (share == MAJORITY_FLOOR and not strict):
        raise RuleViolation(
            gettext("A decision needs more than half of its base (过半数): %(rule)s is below "
                    "it. Set more than 1/2, or at least a larger share.")
            % {"rule": f"{'>' if strict else '≥'} {num}/{den}"},
            rule="majority_floor", clause=CLAUSE_MEETING,
        )


def check_notice_floor(days: int) -> None:
    """Participants are notified in advance (提前通知): one day or more."""
    if isinstance(days, bool) or not isinstance(days, int) or days < MIN_NOTICE_DAYS:
        raise RuleViolation(
            gettext("Participants must be notified in advance: give at least %(n)d day's "
                    "notice.") % {"n": MIN_NOTICE_DAYS},
            rule="notice_floor", clause=CLAUSE_PREPARATION,
        )


def check_materials_attached(*, major: bool, materials: str) -> None:
    """同时向其提供议题材料: a major matter's notice goes out with the topic's materials."""
    if major and not (materials or "").strip():
        raise RuleViolation(
            gettext("A major matter's notice goes out with the topic's materials: add the "
                    "materials to the plan first."),
            rule="materials", clause=CLAUSE_PREPARATION,
        )


# --- Consultation forms and participants ----------------------------------------------------

FORMS: dict[str, Any] = {
    "council": _("Deliberation council (议事会)"),
    "dialogue": _("Heart-to-heart talk (恳谈会)"),
    "hearing": _("Hearing (听证会)"),
    "review": _("Review meeting (评议会)"),
    "written": _("Written consultation (书面协商)"),
    "online": _("Online consultation (网络协商)"),
    "other": _("Other"),
}

PARTICIPANT_KINDS: dict[str, Any] = {
    "seat": _("Fixed committee seat"),  # 7
    "x": _("Stakeholder (X member)"),  # X
    "expert": _("Expert"),  # 专家学者、专业技术人员
    "resident": _("Unrelated resident"),  # 与双方利益无关的群众代表
    "other": _("Other participant"),
}

MEETING_RESULTS: dict[str, Any] = {
    "consensus": _("Basic consensus reached"),
    "no_consensus": _("No consensus: second consultation"),
    "assembly": _("Referred to the residents' (representatives') meeting"),
}

# The kinds of assembly (``ASSEMBLY_QUORUMS`` gives each its quorum and clause).
ASSEMBLIES: dict[str, Any] = {
    "villagers": _("Villagers' meeting (adults)"),  # 村民会议: 十八周岁以上村民
    "villager_households": _("Villagers' meeting (household representatives)"),  # 户的代表
    "residents": _("Residents' meeting"),  # 居民会议
    "representatives": _("Representatives' meeting"),  # 村(居)民代表会议
}

# --- 事项目录清单: the default consultation catalogue (000 §(二)(1)) --------------------------


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    title: str
    major: bool = False  # a 重大事项 unless the party organisation records otherwise
    technical: bool = False  # experts take part (专家学者、专业技术人员) unless the party says not


DEFAULT_CATALOGUE: tuple[CatalogueEntry, ...] = (
    CatalogueEntry("policy", "党和政府各项方针政策、重点工作部署在村（社区）落实的具体措施"),
    CatalogueEntry("organisation", "村（居）民委员会的设立、撤销、范围调整，村（居）民小组的划分，"
                   "村（居）委会办公服务用房选址及场所基础设施建设", True),
    CatalogueEntry("planning", "村（社区）长期建设规划、年度工作计划等重要工作", True),
    CatalogueEntry("charter", "村（居）民自治章程、村规民约（居民公约）、服务群众制度等的制定和修改", True),
    CatalogueEntry("finance", "财务预算决算、资金安排使用、集体收益分配、集体资产处置、集体资源使用处置、"
                   "环境保护、公益事业兴办、房屋拆迁改造、工程项目招投标等重大事项", True),
    CatalogueEntry("welfare", "困难群体救助、特殊群体帮扶等民生保障"),
    CatalogueEntry("governance", "社会治安维护、环境卫生清理、道路交通整治等公共治理"),
    CatalogueEntry("utilities", "与村（居）民日常生活密切相关的供水、供电、供气等行业服务"),
    CatalogueEntry("urgent", "当地村（居）民反映强烈、迫切要求解决的实际困难、问题和矛盾纠纷"),
    CatalogueEntry("statutory", "法律法规和政策明确要求协商的事项"),
    CatalogueEntry("joint", "十分之一以上村（居）民联名或五分之一以上村（居）民代表联名提出需要协商的事项"),
    CatalogueEntry("requested", "协商主体提出协商需求的事项"),
)

# --- 党组织认定: what is major or technical (000 §(二)(4)2, §(二)(2)) ------------------------


@dataclass(frozen=True)
class Screened:
    """A topic's kind at acceptance: what the catalogue item makes it, and staff flags."""

    major: bool
    technical: bool
    major_flagged: bool  # staff think it major, the catalogue does not: the party decides
    technical_flagged: bool


def screened_kind(*, entry: CatalogueEntry, flag_major: bool, flag_technical: bool) -> Screened:
    """The catalogue item decides; staff can only add (a flag the party confirms or declines),
    never take away: a major item stays major until the party organisation says otherwise.
    A flagged matter is treated as major (technical) until then (fail closed)."""
    return Screened(
        major=entry.major or flag_major, technical=entry.technical or flag_technical,
        major_flagged=flag_major and not entry.major,
        technical_flagged=flag_technical and not entry.technical,
    )


def check_kind_decision(*, major_now: bool, technical_now: bool, major: bool, technical: bool,
                        reason: str) -> None:
    """The party organisation records a matter as general (or needing no experts) only with
    its reason; making it stricter needs none."""
    if ((major_now and not major) or (technical_now and not technical)) and not reason.strip():
        raise RuleViolation(
            gettext("Give the party organisation's reason for recording the matter as general "
                    "or as needing no experts; it is kept in the topic's file."),
            rule="kind_reason", clause=CLAUSE_PREPARATION)


RISK_LEVELS: dict[str, Any] = {
    "low": _("Low"),  # 低风险
    "medium": _("Medium"),  # 中风险
    "high": _("High"),  # 高风险
}


def check_risk_assessment(*, level: str, findings: str, mitigation: str) -> None:
    """社会稳定风险评估 (002): a level, the findings, and for a medium or high risk the
    measures that lower it."""
    if level not in RISK_LEVELS:
        raise RuleViolation(gettext("Choose the risk level: low, medium or high."),
                            rule="input", clause=CLAUSE_RISK)
    if not findings.strip():
        raise RuleViolation(gettext("Write down what the assessment found."), rule="input",
                            clause=CLAUSE_RISK)
    if level != "low" and not mitigation.strip():
        raise RuleViolation(
            gettext("A medium or high risk needs the measures that will lower it."),
            rule="risk_mitigation", clause=CLAUSE_RISK)


# --- Workflow: topics --------------------------------------------------------------------------


class TopicState:
    CANDIDATE = "candidate"  # 待筛选
    ACCEPTED = "accepted"  # 已受理
    MERGED = "merged"  # 已合并
    REFERRED = "referred"  # 已转办
    REJECTED = "rejected"  # 不予受理
    PLANNED = "planned"  # 方案已拟定
    APPROVED = "approved"  # 党组织已审核同意
    NOTIFIED = "notified"  # 已通知参与人
    CONSULTING = "consulting"  # 协商中
    SECOND_PENDING = "second_pending"  # 待二次协商
    AT_ASSEMBLY = "at_assembly"  # 提交村(居)民会议或代表会议
    CONSENSUS = "consensus"  # 形成共识
    DECIDED = "decided"  # 会议已决定
    MINUTES_SIGNED = "minutes_signed"  # 记录已签字
    FILED = "filed"  # 已备案
    PUBLISHED = "published"  # 已公示
    CLOSED = "closed"  # 已办结


TOPIC_STATES: dict[str, Any] = {
    TopicState.CANDIDATE: _("Candidate awaiting screening"),
    TopicState.ACCEPTED: _("Accepted"),
    TopicState.MERGED: _("Merged into another topic"),
    TopicState.REFERRED: _("Referred elsewhere"),
    TopicState.REJECTED: _("Rejected"),
    TopicState.PLANNED: _("Plan drafted"),
    TopicState.APPROVED: _("Plan approved by the party organisation"),
    TopicState.NOTIFIED: _("Participants notified"),
    TopicState.CONSULTING: _("In consultation"),
    TopicState.SECOND_PENDING: _("Awaiting a second consultation"),
    TopicState.AT_ASSEMBLY: _("Before the residents' (representatives') meeting"),
    TopicState.CONSENSUS: _("Consensus reached"),
    TopicState.DECIDED: _("Decided by the residents' (representatives') meeting"),
    TopicState.MINUTES_SIGNED: _("Minutes signed"),
    TopicState.FILED: _("Filed with the party organisation and the committee"),
    TopicState.PUBLISHED: _("Published on the notice board"),
    TopicState.CLOSED: _("Closed"),
}

TOPIC_ACTIONS: dict[str, Any] = {
    "accept": _("Accept"),
    "merge": _("Merge into another topic"),
    "refer": _("Refer elsewhere"),
    "reject": _("Reject"),
    "draft_plan": _("Draft the plan"),
    "approve_plan": _("Approve the plan"),
    "notify": _("Notify the participants"),
    "open_meeting": _("Open the meeting"),
    "reach_consensus": _("Record consensus"),
    "no_consensus": _("Record no consensus"),
    "refer_assembly": _("Refer to the residents' (representatives') meeting"),
    "schedule_second": _("Schedule a second consultation"),
    "record_assembly": _("Record the meeting's decision"),
    "sign_minutes": _("Sign the minutes"),
    "file": _("File (备案)"),
    "publish": _("Publish (公示)"),
    "close": _("Close"),
}

T = TopicState
TOPIC_TRANSITIONS: dict[tuple[str, str], Step] = {
    # 1. 确定协商议题: screening against the catalogue
    (T.CANDIDATE, "accept"): Step(T.ACCEPTED, CLAUSE_TOPIC),
    (T.CANDIDATE, "merge"): Step(T.MERGED, CLAUSE_TOPIC),
    (T.CANDIDATE, "refer"): Step(T.REFERRED, CLAUSE_TOPIC),
    (T.CANDIDATE, "reject"): Step(T.REJECTED, CLAUSE_TOPIC),
    # 2. 做好协商准备: plan, party approval of a major matter, notices
    (T.ACCEPTED, "draft_plan"): Step(T.PLANNED, CLAUSE_PREPARATION),
    (T.PLANNED, "approve_plan"): Step(T.APPROVED, CLAUSE_PREPARATION),
    (T.PLANNED, "notify"): Step(T.NOTIFIED, CLAUSE_PREPARATION),  # guard: general matters only
    (T.APPROVED, "notify"): Step(T.NOTIFIED, CLAUSE_PREPARATION),
    # 3. 组织开展民主协商
    (T.NOTIFIED, "open_meeting"): Step(T.CONSULTING, CLAUSE_MEETING),
    (T.CONSULTING, "reach_consensus"): Step(T.CONSENSUS, CLAUSE_MEETING),
    (T.CONSULTING, "no_consensus"): Step(T.SECOND_PENDING, CLAUSE_MEETING),
    (T.CONSULTING, "refer_assembly"): Step(T.AT_ASSEMBLY, CLAUSE_MEETING),
    (T.SECOND_PENDING, "schedule_second"): Step(T.NOTIFIED, CLAUSE_MEETING),
    (T.SECOND_PENDING, "refer_assembly"): Step(T.AT_ASSEMBLY, CLAUSE_MEETING),
    (T.AT_ASSEMBLY, "record_assembly"): Step(T.DECIDED, CLAUSE_MEETING),
    (T.CONSENSUS, "sign_minutes"): Step(T.MINUTES_SIGNED, CLAUSE_MEETING),
    (T.DECIDED, "sign_minutes"): Step(T.MINUTES_SIGNED, CLAUSE_MEETING),
    # 4. 主动公开协商成果
    (T.MINUTES_SIGNED, "file"): Step(T.FILED, CLAUSE_PUBLICATION),
    (T.FILED, "publish"): Step(T.PUBLISHED, CLAUSE_PUBLICATION),
    (T.PUBLISHED, "close"): Step(T.CLOSED, CLAUSE_PUBLICATION),
}

TERMINAL_TOPIC_STATES = frozenset({T.MERGED, T.REFERRED, T.REJECTED, T.CLOSED})

# --- Workflow: meetings -------------------------------------------------------------------------


class MeetingState:
    SCHEDULED = "scheduled"  # 已通知
    SIGNING_IN = "signing_in"  # 签到中
    OPENED = "opened"  # 已开会
    CONVENER_EXPLAINED = "step1"  # 一、召集人说明
    PROPOSER_EXPLAINED = "step2"  # 二、提出人说明
    DISCUSSING = "step3"  # 三、发表意见
    VOTING = "step4"  # 四、表决
    VOTED = "voted"  # 表决结束
    CLOSED = "closed"  # 散会, 结果已记录
    CANCELLED = "cancelled"


MEETING_STATES: dict[str, Any] = {
    MeetingState.SCHEDULED: _("Scheduled"),
    MeetingState.SIGNING_IN: _("Sign-in open"),
    MeetingState.OPENED: _("Opened"),
    MeetingState.CONVENER_EXPLAINED: _("Step 1: the convener explained the topic"),
    MeetingState.PROPOSER_EXPLAINED: _("Step 2: the proposer explained the topic"),
    MeetingState.DISCUSSING: _("Step 3: opinions"),
    MeetingState.VOTING: _("Step 4: vote"),
    MeetingState.VOTED: _("Vote closed"),
    MeetingState.CLOSED: _("Closed"),
    MeetingState.CANCELLED: _("Cancelled"),
}

MEETING_ACTIONS: dict[str, Any] = {
    "open_sign_in": _("Open sign-in"),
    "open": _("Open the meeting"),
    "convener_explains": _("Convener explains source, screening and rules"),
    "proposer_explains": _("Proposer explains the topic"),
    "open_discussion": _("Open the floor"),
    "open_vote": _("Open the vote"),
    "close_vote": _("Close the vote"),
    "close": _("Close the meeting"),
    "cancel": _("Cancel"),
}

M = MeetingState
# 000 §(二)(4)3: 议事主要有四个流程, in this order.
MEETING_TRANSITIONS: dict[tuple[str, str], Step] = {
    (M.SCHEDULED, "open_sign_in"): Step(M.SIGNING_IN, CLAUSE_MEETING),
    (M.SCHEDULED, "cancel"): Step(M.CANCELLED),
    (M.SIGNING_IN, "open"): Step(M.OPENED, CLAUSE_PREPARATION),  # guards: approval, quorum
    (M.SIGNING_IN, "cancel"): Step(M.CANCELLED),
    (M.OPENED, "convener_explains"): Step(M.CONVENER_EXPLAINED, CLAUSE_MEETING),
    (M.CONVENER_EXPLAINED, "proposer_explains"): Step(M.PROPOSER_EXPLAINED, CLAUSE_MEETING),
    (M.PROPOSER_EXPLAINED, "open_discussion"): Step(M.DISCUSSING, CLAUSE_MEETING),
    (M.DISCUSSING, "open_vote"): Step(M.VOTING, CLAUSE_MEETING),  # guard: someone signed in
    (M.VOTING, "close_vote"): Step(M.VOTED, CLAUSE_MEETING),
    (M.VOTED, "close"): Step(M.CLOSED, CLAUSE_MEETING),
}

# Sign-in stays open for latecomers until the vote opens.
SIGN_IN_STATES = frozenset({M.SIGNING_IN, M.OPENED, M.CONVENER_EXPLAINED, M.PROPOSER_EXPLAINED,
                            M.DISCUSSING})
ACTIVE_MEETING_STATES = frozenset(set(MEETING_STATES) - {M.CLOSED, M.CANCELLED})


# --- Guards -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What a service knows about the matter when it asks whether a step may be taken.

    Every default is the one that makes its guard refuse (fail closed): a caller that
    forgets to say the matter is general, that a reason was given, that an expert is
    invited or how many signed in is refused, never waved through.
    """

    major: bool = True
    technical: bool = True
    mandatory: bool = True
    reason_given: bool = False
    plan_approved: bool = False
    has_expert: bool = False
    members: int = 0
    members_present: int = 0
    present: int = 0
    quorum_share: Fraction = TWO_THIRDS
    minutes_signed: bool = False
    risk_assessed: bool = False
    expert_present: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Guard:
    """A condition an action needs, the rule code it reports and the clause it comes from."""

    rule: str
    clause: str
    holds: Callable[[Facts], bool]
    message: Callable[[Facts], str]


def _quorum_message(f: Facts) -> str:
    missing = missing_for_quorum(f.members, f.members_present, f.quorum_share)
    if missing is None:
        return gettext("The committee has no members, so a major matter cannot be consulted on.")
    return gettext(
        "A major matter needs %(share)s of the committee present: %(present)d of %(members)d "
        "are here, %(missing)d more needed."
    ) % {"share": f"{f.quorum_share.numerator}/{f.quorum_share.denominator}",
         "present": f.members_present, "members": f.members, "missing": missing}


_NOT_MANDATORY = Guard(
    "mandatory_topic", CLAUSE_CATALOGUE, lambda f: not f.mandatory,
    lambda f: gettext("A joint proposal past its threshold must be consulted on; it cannot "
                      "be rejected or referred elsewhere."),
)
_REASON = Guard(
    "reason_required", CLAUSE_TOPIC, lambda f: f.reason_given,
    lambda f: gettext("Give the reason; it is sent to the proposer."),
)
_APPROVED = Guard(
    "party_approval", CLAUSE_PREPARATION, lambda f: not f.major or f.plan_approved,
    lambda f: gettext("A major matter's plan needs the party organisation's approval first."),
)
_EXPERT = Guard(
    "expert_required", CLAUSE_PARTICIPANTS, lambda f: not f.technical or f.has_expert,
    lambda f: gettext("A technical matter needs at least one expert among the participants."),
)
_EXPERT_PRESENT = Guard(
    "expert_present", CLAUSE_PARTICIPANTS, lambda f: not f.technical or f.expert_present,
    lambda f: gettext("A technical matter is consulted with an expert present: sign in the "
                      "invited expert first (at every consultation, the second too)."),
)
_QUORUM = Guard(
    "quorum", CLAUSE_PREPARATION,
    lambda f: not f.major or quorum_met(members=f.members, present=f.members_present,
                                        share=f.quorum_share),
    _quorum_message,
)
_SIGNED_IN = Guard(
    "sign_in_first", CLAUSE_MEETING, lambda f: f.present > 0,
    lambda f: gettext("No one has signed in: the vote is held among those present."),
)
_MINUTES = Guard(
    "minutes_signed", CLAUSE_MEETING, lambda f: f.minutes_signed,
    lambda f: gettext("The minutes must be signed by the convener and the recorder first."),
)

TOPIC_GUARDS: dict[str, tuple[Guard, ...]] = {
    "refer": (_NOT_MANDATORY, _REASON),
    "reject": (_NOT_MANDATORY, _REASON),
    "approve_plan": (
        Guard("not_major", CLAUSE_PREPARATION, lambda f: f.major,
              lambda f: gettext("Only a major matter's plan goes to the party organisation.")),
        Guard("risk_assessment", CLAUSE_RISK, lambda f: f.risk_assessed,
              lambda f: gettext("A major matter needs its social-stability risk assessment "
                                "(level, findings, mitigation) before the plan is approved.")),
    ),
    "notify": (_APPROVED, _EXPERT),
    "schedule_second": (_APPROVED, _EXPERT),
    "sign_minutes": (_MINUTES,),
    "file": (_MINUTES,),
    "publish": (_MINUTES,),
}

MEETING_GUARDS: dict[str, tuple[Guard, ...]] = {
    "open": (_APPROVED, _EXPERT_PRESENT, _QUORUM),
    "open_vote": (_SIGNED_IN,),
}


def check_undo_sign_in(*, state: str, spoke: bool, without: Facts) -> None:
    """A tick (or a participant's own sign-in) may be taken back while sign-in is open, that
    is until the vote opens: the vote counts those present then (000 §(二)(4)3). Someone
    whose opinion is in the record stays present: a speaker must be signed in. Once the
    meeting has opened, ``without`` (the facts without this person) must still let it open:
    a major matter's two thirds, a technical matter's expert."""
    if state not in SIGN_IN_STATES:
        raise RuleViolation(
            gettext("Sign-in can be undone only until the vote opens: the vote is counted "
                    "among those present when it opens."),
            rule="sign_in_closed", clause=CLAUSE_MEETING)
    if spoke:
        raise RuleViolation(
            gettext("This participant's opinion is in the record, so they stay signed in."),
            rule="spoke", clause=CLAUSE_MEETING)
    if state == MeetingState.SIGNING_IN:
        return
    for guard in MEETING_GUARDS["open"]:
        if not guard.holds(without):
            raise RuleViolation(
                gettext("The meeting opened with this person signed in and could not have "
                        "without them, so they stay signed in: %(why)s")
                % {"why": guard.message(without)},
                rule=guard.rule, clause=guard.clause)

# An action the table refuses in a state, explained by the rule it would break.
_TOPIC_OUT_OF_ORDER: dict[str, Guard] = {
    "publish": _MINUTES,
    "file": _MINUTES,
}
_MEETING_OUT_OF_ORDER: dict[str, tuple[str, str]] = {
    "open_vote": ("vote_order", CLAUSE_MEETING),
    "close_vote": ("vote_order", CLAUSE_MEETING),
    "open": ("sign_in_first", CLAUSE_MEETING),
}


def _labels(*maps: Mapping[str, Any]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for m in maps:
        merged.update({k: str(v) for k, v in m.items()})
    return merged


def check_step(
    table: Table,
    state: str,
    action: str,
    facts: Facts,
    *,
    guards: Mapping[str, tuple[Guard, ...]],
    labels: Mapping[str, str],
    out_of_order: Mapping[str, tuple[str, str]] | None = None,
) -> Step:
    """The one function that applies a workflow table: the step, or a RuleViolation.

    A pair not in the table is refused naming both states; then each guard of the action
    is checked in turn and the first that fails is reported with its rule and clause.
    """
    try:
        step = next_state(table, state, action, labels=labels)
    except RuleViolation as exc:
        rule, clause = (out_of_order or {}).get(action, ("transition", exc.clause))
        raise RuleViolation(exc.message, rule=rule, clause=clause) from None
    for guard in guards.get(action, ()):
        if not guard.holds(facts):
            raise RuleViolation(guard.message(facts), rule=guard.rule, clause=guard.clause)
    return step


TOPIC_LABELS = _labels(TOPIC_STATES, TOPIC_ACTIONS)
MEETING_LABELS = _labels(MEETING_STATES, MEETING_ACTIONS)


def topic_step(state: str, action: str, facts: Facts) -> Step:
    if (state, action) not in TOPIC_TRANSITIONS and action in _TOPIC_OUT_OF_ORDER:
        g = _TOPIC_OUT_OF_ORDER[action]
        if not g.holds(facts):
            raise RuleViolation(g.message(facts), rule=g.rule, clause=g.clause)
    return check_step(TOPIC_TRANSITIONS, state, action, facts, guards=TOPIC_GUARDS,
                      labels=TOPIC_LABELS)


def meeting_step(state: str, action: str, facts: Facts) -> Step:
    return check_step(MEETING_TRANSITIONS, state, action, facts, guards=MEETING_GUARDS,
                      labels=MEETING_LABELS, out_of_order=_MEETING_OUT_OF_ORDER)


def topic_actions(state: str) -> list[str]:
    return [a for (s, a) in TOPIC_TRANSITIONS if s == state]


def meeting_actions(state: str) -> list[str]:
    return [a for (s, a) in MEETING_TRANSITIONS if s == state]


def still_on_the_board(published_until: date | None, today: date) -> bool:
    """The outcome's posting period (公示期) still runs: its last day is included (以内), so
    a published topic closes only from the day after (000 §(二)(4)4)."""
    return published_until is not None and today <= published_until


# --- The work board: what is due next ------------------------------------------------------


@dataclass(frozen=True)
class BoardFacts:
    """What the board knows of an open topic when it says what is due next.

    Times are local (the board prints them); ``now`` is the moment the board is read.
    """

    state: str
    major: bool
    has_plan: bool
    plan_approved: bool
    send_notices_by: datetime | None  # the plan's meeting time less its notice period
    meeting_number: int | None  # the latest meeting neither closed nor cancelled
    meeting_at: datetime | None
    meeting_scheduled: bool  # that meeting has not opened sign-in yet
    unsigned_minutes: int  # minutes of the topic's meetings not yet signed by both
    published_until: date | None  # the outcome's last day on the notice board
    now: datetime


@dataclass(frozen=True)
class DueNext:
    """A row of the board's table: in ``states``, when ``applies``, ``text`` is due next,
    late when ``late``; ``clause`` is the step of the procedure it belongs to."""

    states: frozenset[str]
    applies: Callable[[BoardFacts], bool]
    text: Callable[[BoardFacts], str]
    late: Callable[[BoardFacts], bool]
    clause: str
    # The moment it is due by, when it has one: 即将到期 within ``DUE_SOON`` of it.
    deadline: Callable[[BoardFacts], datetime | None] = lambda f: None


@dataclass(frozen=True)
class Due:
    text: str
    late: bool
    clause: str
    soon: bool = False  # not late yet, but its deadline is within DUE_SOON (即将到期)


NOTHING_DUE = Due("", False, "")
# How near a deadline is for the board to say 即将到期.
DUE_SOON = timedelta(days=2)


def _always(f: BoardFacts) -> bool:
    return True


def _never(f: BoardFacts) -> bool:
    return False


def _minute(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def _before(moment: datetime | None, now: datetime) -> bool:
    return moment is not None and moment < now


# The first row whose states hold the topic's and whose condition applies says what is due.
DUE_NEXT: tuple[DueNext, ...] = (
    DueNext(frozenset({T.CANDIDATE}), _always,
            lambda f: gettext("Screen against the catalogue"), _never, CLAUSE_TOPIC),
    DueNext(frozenset({T.ACCEPTED}), _always, lambda f: gettext("Draft the plan"), _never,
            CLAUSE_PREPARATION),
    # 000 §(二)(4)2: a major matter's plan goes to the party organisation before the notices.
    DueNext(frozenset({T.PLANNED, T.APPROVED}),
            lambda f: f.has_plan and f.major and not f.plan_approved,
            lambda f: gettext("Party organisation to approve the plan"), _never,
            CLAUSE_PREPARATION),
    DueNext(frozenset({T.PLANNED, T.APPROVED}), lambda f: f.has_plan,
            lambda f: gettext("Send the notices by %(when)s")
            % {"when": _minute(f.send_notices_by)},
            lambda f: _before(f.send_notices_by, f.now), CLAUSE_PREPARATION,
            deadline=lambda f: f.send_notices_by),
    # Late once the meeting time has passed and sign-in never opened.
    DueNext(frozenset({T.NOTIFIED}), lambda f: f.meeting_number is not None,
            lambda f: gettext("Meeting no. %(n)d on %(when)s")
            % {"n": f.meeting_number, "when": _minute(f.meeting_at)},
            lambda f: f.meeting_scheduled and _before(f.meeting_at, f.now), CLAUSE_MEETING,
            deadline=lambda f: f.meeting_at if f.meeting_scheduled else None),
    # Notified, but every meeting was cancelled: it is late already.
    DueNext(frozenset({T.NOTIFIED}), _always,
            lambda f: gettext("Reschedule the cancelled meeting"), _always, CLAUSE_MEETING),
    DueNext(frozenset({T.CONSULTING}), _always, lambda f: gettext("Meeting in progress"),
            _never, CLAUSE_MEETING),
    DueNext(frozenset({T.SECOND_PENDING}), _always,
            lambda f: gettext("Schedule the second consultation"), _never, CLAUSE_MEETING),
    DueNext(frozenset({T.AT_ASSEMBLY}), _always,
            lambda f: gettext("Record the decision of the residents' (representatives') "
                              "meeting"), _never, CLAUSE_MEETING),
    DueNext(frozenset({T.CONSENSUS, T.DECIDED}), _always,
            lambda f: gettext("Minutes to sign: %(n)d") % {"n": f.unsigned_minutes}, _never,
            CLAUSE_MEETING),
    DueNext(frozenset({T.MINUTES_SIGNED}), _always,
            lambda f: gettext("File with the party organisation and the committee"), _never,
            CLAUSE_PUBLICATION),
    DueNext(frozenset({T.FILED}), _always, lambda f: gettext("Publish on the notice board"),
            _never, CLAUSE_PUBLICATION),
    DueNext(frozenset({T.PUBLISHED}), lambda f: f.published_until is not None,
            lambda f: gettext("On the notice board until %(date)s")
            % {"date": f.published_until.isoformat() if f.published_until else ""},
            _never, CLAUSE_PUBLICATION),
)


def due_next(facts: BoardFacts) -> Due:
    """What is due next on the topic and whether it is late (the board's right column)."""
    for row in DUE_NEXT:
        if facts.state in row.states and row.applies(facts):
            late = row.late(facts)
            deadline = row.deadline(facts)
            soon = (not late and deadline is not None
                    and facts.now <= deadline <= facts.now + DUE_SOON)
            return Due(row.text(facts), late, row.clause, soon)
    return NOTHING_DUE
