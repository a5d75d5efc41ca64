"""Pure rules of intake: the opinion and proposal workflows and the joint-proposal threshold."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yishi.core.workflow import Step

# --- 民情专递 (002): 一事一记 · 一事一议 · 一事一馈 ------------------------------------


class OpinionState:
    SUBMITTED = "submitted"  # 已登记
    ACKNOWLEDGED = "acknowledged"  # 已受理
    REFERRED = "referred"  # 已转办
    TOPIC = "topic"  # 转为协商议题候选
    ANSWERED = "answered"  # 已答复
    RATED = "rated"  # 已评价


OPINION_STATES = {
    OpinionState.SUBMITTED: _("Registered"),
    OpinionState.ACKNOWLEDGED: _("Acknowledged"),
    OpinionState.REFERRED: _("Referred to a department"),
    OpinionState.TOPIC: _("Became a topic candidate"),
    OpinionState.ANSWERED: _("Answered"),
    OpinionState.RATED: _("Rated"),
}

OPINION_ACTIONS = {
    "acknowledge": _("Acknowledge"),
    "refer": _("Refer to a department"),
    "make_topic": _("Turn into a topic candidate"),
    "answer": _("Answer"),
    "rate": _("Rate the answer"),
}

S = OpinionState
OPINION_TRANSITIONS: dict[tuple[str, str], Step] = {
    (S.SUBMITTED, "acknowledge"): Step(S.ACKNOWLEDGED, "002 一事一记"),
    (S.ACKNOWLEDGED, "refer"): Step(S.REFERRED, "002 一事一议"),
    (S.ACKNOWLEDGED, "make_topic"): Step(S.TOPIC, "000 §(二)(4)1"),
    (S.ACKNOWLEDGED, "answer"): Step(S.ANSWERED, "002 一事一馈"),
    (S.REFERRED, "answer"): Step(S.ANSWERED, "002 一事一馈"),
    (S.TOPIC, "answer"): Step(S.ANSWERED, "002 一事一馈"),
    (S.ANSWERED, "rate"): Step(S.RATED, "002 一事一馈"),
}
OPEN_OPINION_STATES = (S.SUBMITTED, S.ACKNOWLEDGED, S.REFERRED, S.TOPIC)


def opinion_counter_scope(community_id: int) -> str:
    """一事一记: each community numbers its opinions on its own, year by year."""
    return f"opinion:{community_id}"


def opinion_number(year: int, seq: int) -> str:
    """The tracking number a resident is given, e.g. MQ-2026-00042."""
    return f"MQ-{year}-{seq:05d}"


def opinion_overdue(state: str, due: date, today: date) -> bool:
    """Still waiting for its answer after the due date; the due day itself is in time."""
    return state in OPEN_OPINION_STATES and due < today

RATINGS = {
    3: _("Satisfied"),  # 满意
    2: _("Basically satisfied"),  # 基本满意
    1: _("Dissatisfied"),  # 不满意
}

# --- 联名提议: joint proposals ---------------------------------------------------------


class ProposalState:
    DRAFT = "draft"
    OPEN = "open"  # collecting signatures
    REACHED = "reached"  # threshold reached: a mandatory topic candidate
    CLOSED = "closed"  # signing period ended without reaching the threshold
    WITHDRAWN = "withdrawn"


PROPOSAL_STATES = {
    ProposalState.DRAFT: _("Draft"),
    ProposalState.OPEN: _("Collecting signatures"),
    ProposalState.REACHED: _("Threshold reached: mandatory topic"),
    ProposalState.CLOSED: _("Closed without enough signatures"),
    ProposalState.WITHDRAWN: _("Withdrawn by the proposer"),
}

PROPOSAL_ACTIONS = {
    "open": _("Open for signatures"),
    "reach": _("Reach the threshold"),
    "close": _("Close"),
    "withdraw": _("Withdraw"),
}

P = ProposalState
PROPOSAL_TRANSITIONS: dict[tuple[str, str], Step] = {
    (P.DRAFT, "open"): Step(P.OPEN),
    (P.DRAFT, "withdraw"): Step(P.WITHDRAWN),
    (P.OPEN, "reach"): Step(P.REACHED, "000 §(二)(1)"),
    (P.OPEN, "close"): Step(P.CLOSED),
    (P.OPEN, "withdraw"): Step(P.WITHDRAWN),
}


def share_reached(count: int, base: int, share: Fraction) -> bool:
    """``count`` is at least ``share`` of ``base`` (以上 includes the number itself).

    Integer arithmetic only; a base of zero never satisfies a threshold.
    """
    if base <= 0 or count <= 0:
        return False
    return count * share.denominator >= share.numerator * base


def joint_proposal_reached(
    *,
    eligible_residents: int,
    representatives: int,
    resident_signatures: int,
    representative_signatures: int,
    resident_share: Fraction = Fraction(1, 10),
    representative_share: Fraction = Fraction(1, 5),
) -> bool:
    """000 §(二)(1): 十分之一以上村(居)民联名或五分之一以上村(居)民代表联名.

    Either share suffices. Representatives also count as residents when the caller
    counts them among ``resident_signatures``.
    """
    return share_reached(resident_signatures, eligible_residents, resident_share) or share_reached(
        representative_signatures, representatives, representative_share
    )


@dataclass(frozen=True)
class Signer:
    """What the register says of one active signer today."""

    on_register: bool  # registered in the community and not moved out
    adult: bool  # of voting age
    resident_only: bool  # 非户籍常住, not 户籍
    representative: bool  # holds the representative's role today


@dataclass(frozen=True)
class Counts:
    residents: int
    representatives: int


def current_counts(signers: Iterable[Signer], *, resident_only_count: bool) -> Counts:
    """The signatures that count now (000 §(二)(1)): of adults on the register (resident-only
    people only where the community counts them) and of representatives holding the role;
    a representative counts among the residents too when they are eligible as one."""
    residents = representatives = 0
    for s in signers:
        eligible = s.on_register and s.adult and (resident_only_count or not s.resident_only)
        residents += eligible
        representatives += s.representative and s.on_register and s.adult
    return Counts(residents, representatives)


def signatures_needed(base: int, share: Fraction) -> int | None:
    """The smallest count that reaches ``share`` of ``base``; None when no count can."""
    if base <= 0:
        return None
    # ceil(share * base), and at least one signature
    return max(1, -(-share.numerator * base // share.denominator))


def validate_text(title: str, text: str, *, title_max: int = 100, text_max: int = 2000) -> dict[str, str]:
    """Errors keyed by field: empty or oversized title and text."""
    errors: dict[str, str] = {}
    # PostgreSQL cannot store NUL in text; Django's own message (already translated) says so.
    if "\x00" in (title or ""):
        errors["title"] = str(gettext("Null characters are not allowed."))
    elif not (title or "").strip():
        errors["title"] = str(gettext("Please enter a title."))
    elif len(title.strip()) > title_max:
        errors["title"] = str(gettext("The title may have at most %(n)d characters.") % {"n": title_max})
    if "\x00" in (text or ""):
        errors["text"] = str(gettext("Null characters are not allowed."))
    elif not (text or "").strip():
        errors["text"] = str(gettext("Please describe the matter."))
    elif len(text.strip()) > text_max:
        errors["text"] = str(gettext("The text may have at most %(n)d characters.") % {"n": text_max})
    return errors
