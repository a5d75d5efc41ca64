"""Pure rules of 落实反馈 (no ORM, no request): task workflow, deadlines, overdue.

000 §(二)(5): 需要村(社区)落实的事项……落实情况要在规定期限内……公开; 受政府或有关部门委托的
协商事项……在10个工作日内以书面形式反馈; 对……持不同意见的群众……做好解释说明工作;
协商结果违反法律法规的, 乡(镇)政府(街道办事处)应当依法纠正.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from yishi.core.exceptions import RuleViolation
from yishi.core.workflow import Step, Table, allowed_actions, next_state

CLAUSE = "000 §(二)(5)"
# 000 §(四)(2): 进一步健全法律顾问制度……确保各项决策和行为正确、合法.
CLAUSE_LEGAL_ADVISER = "000 §(四)(2)"
# 003 §六4: 如意见未被采纳的, 要妥善做好沟通解释; 000 §(二)(5): 及时向协商事项利益相关方反馈.
CLAUSE_NOT_ADOPTED = "003 §六4"

# 000 §(二)(5): 在10个工作日内以书面形式反馈 — the default, configurable per community or body.
ANSWER_WORKING_DAYS = 10


def check_answer_days_ceiling(days: int) -> None:
    """在10个工作日内 (000 §(二)(5)): a body may be given fewer working days, never more."""
    if (isinstance(days, bool) or not isinstance(days, int)
            or not 1 <= days <= ANSWER_WORKING_DAYS):
        raise RuleViolation(
            gettext("An entrusted topic is answered within %(n)d working days: give 1 to "
                    "%(n)d.") % {"n": ANSWER_WORKING_DAYS},
            rule="answer_days_ceiling", clause=CLAUSE)


# Reminders go out when the due date is this many working days away (or fewer).
DUE_SOON_WORKING_DAYS = 2
# Upper bound for any deadline counted in working days (about a year and a half).
MAX_WORKING_DAYS = 366


class TaskState:
    OPEN = "open"  # 待落实
    IN_PROGRESS = "in_progress"  # 落实中
    DONE = "done"  # 已完成


TASK_STATES: dict[str, object] = {
    TaskState.OPEN: _("Open"),
    TaskState.IN_PROGRESS: _("In progress"),
    TaskState.DONE: _("Done"),
}

TASK_ACTIONS: dict[str, object] = {
    "report": _("Report progress"),
    "complete": _("Report completion"),
}

# The task workflow. Overdue is not a state: it is derived from the deadline (task_overdue).
TASK_TRANSITIONS: Table = {
    (TaskState.OPEN, "report"): Step(TaskState.IN_PROGRESS, CLAUSE),
    (TaskState.OPEN, "complete"): Step(TaskState.DONE, CLAUSE),
    (TaskState.IN_PROGRESS, "report"): Step(TaskState.IN_PROGRESS, CLAUSE),
    (TaskState.IN_PROGRESS, "complete"): Step(TaskState.DONE, CLAUSE),
}

TASK_LABELS = {k: str(v) for k, v in {**TASK_STATES, **TASK_ACTIONS}.items()}


def task_step(state: str, action: str) -> Step:
    """The next state of a task; a pair not in the table is refused (RuleViolation)."""
    return next_state(TASK_TRANSITIONS, state, action, labels=TASK_LABELS)


def task_actions(state: str) -> list[str]:
    return allowed_actions(TASK_TRANSITIONS, state)


def task_overdue(state: str, deadline: date, today: date) -> bool:
    """Not done and past the deadline; the deadline day itself is still in time."""
    return state != TaskState.DONE and deadline < today


class AnswerState:
    AWAITING = "awaiting"  # 待反馈
    ANSWERED = "answered"  # 已书面反馈


ANSWER_STATES: dict[str, object] = {
    AnswerState.AWAITING: _("Awaiting the written answer"),
    AnswerState.ANSWERED: _("Answered in writing"),
}


ANSWER_ACTIONS: dict[str, object] = {
    "answer": _("Answer in writing"),
}

# The entrusted answer's workflow (000 §(二)(5): 10 working days to answer in writing).
# Overdue and escalated are not states: they follow from the due date (answer_overdue).
ANSWER_TRANSITIONS: Table = {
    (AnswerState.AWAITING, "answer"): Step(AnswerState.ANSWERED, CLAUSE),
}

ANSWER_LABELS = {k: str(v) for k, v in {**ANSWER_STATES, **ANSWER_ACTIONS}.items()}


def answer_step(state: str, action: str) -> Step:
    """The next state of an entrusted answer; a pair not in the table is refused."""
    return next_state(ANSWER_TRANSITIONS, state, action, labels=ANSWER_LABELS)


def answer_overdue(state: str, due: date, today: date) -> bool:
    return state == AnswerState.AWAITING and due < today


def due_soon(state: str, due: date, today: date, horizon: date) -> bool:
    """Awaiting, not yet overdue, and due no later than ``horizon`` (today + N working days)."""
    return state == AnswerState.AWAITING and today <= due <= horizon


def deadline_error(deadline: date, today: date) -> str | None:
    """Why a fixed deadline is refused, or None. A deadline in the past helps nobody."""
    if deadline < today:
        return str(_("The deadline cannot be in the past."))
    if deadline.year > today.year + 5:
        return str(_("The deadline is more than five years away; check the year."))
    return None


def working_days_error(n: int) -> str | None:
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_WORKING_DAYS:
        return str(_("Give between 1 and %(max)d working days.") % {"max": MAX_WORKING_DAYS})
    return None


# --- Follow-up duties that gate publication, closing and implementation -------------------


@dataclass(frozen=True)
class Duties:
    """What follow-up knows about a topic when an outcome step is asked for.

    No defaults: a caller that forgets a fact must say it, so no duty is waived by omission.
    """

    unexplained: int  # dissenters without a recorded explanation (解释说明)
    open_correction: bool  # the township found the outcome unlawful and has not corrected it
    major: bool  # 重大事项
    legal_adviser: bool  # the community has a legal adviser (法律顾问) on the day
    legal_opinion: bool  # the adviser's opinion on the outcome's lawfulness is on record


DUTY_ACTIONS = ("publish", "close", "implement")


def legal_opinion_required(d: Duties) -> bool:
    """A major matter's outcome, where the community has a legal adviser (000 §(四)(2))."""
    return d.major and d.legal_adviser


def check_duties(action: str, d: Duties) -> None:
    """Refuse ``action`` (publish, close, implement) while a follow-up duty is unmet.

    - publish, close, implement: an outcome found unlawful waits for the township's
      correction (000 §(二)(5) 依法纠正).
    - publish: a major outcome, where the community has a legal adviser, needs the adviser's
      opinion on its lawfulness first (000 §(四)(2)).
    - close: every dissenter has an explanation recorded (000 §(二)(5) 解释说明).
    """
    if action not in DUTY_ACTIONS:
        raise ValueError(f"unknown outcome action {action!r}")
    if d.open_correction:
        raise RuleViolation(str(UNLAWFUL_MESSAGES[action]), rule="unlawful_outcome",
                            clause=CLAUSE)
    if action == "publish" and legal_opinion_required(d) and not d.legal_opinion:
        raise RuleViolation(
            str(_("A major matter's outcome needs the community legal adviser's opinion on its "
                  "lawfulness before it is published: ask the legal adviser to record it.")),
            rule="legal_opinion", clause=CLAUSE_LEGAL_ADVISER)
    if action == "close" and d.unexplained > 0:
        raise RuleViolation(
            ngettext("%(n)d dissenter still has no explanation recorded: record what was "
                     "explained to them on the dissent page, then close the topic.",
                     "%(n)d dissenters still have no explanation recorded: record what was "
                     "explained to them on the dissent page, then close the topic.",
                     d.unexplained) % {"n": d.unexplained},
            rule="dissent_unexplained", clause=CLAUSE)


UNLAWFUL_MESSAGES: dict[str, object] = {
    "publish": _("The township found this outcome unlawful: it can be published once the "
                 "township records its correction."),
    "close": _("The township found this outcome unlawful: the topic can be closed once the "
               "township records its correction."),
    "implement": _("The township found this outcome unlawful: it is not carried out until the "
                   "township records its correction."),
}

