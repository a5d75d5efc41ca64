"""Pure rules of 落实反馈 (no ORM, no request): task workflow, deadlines, overdue.

000 §(二)(5): 需要村(社区)落实的事项……落实情况要在规定期限内……公开; 受政府或有关部门委托的
协商事项……在10个工作日内以书面形式反馈; 对……持不同意见的群众……做好解释说明工作;
协商结果违反法律法规的, 乡(镇)政府(街道办事处)应当依法纠正.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from yishi.core.workflow import Step, Table, allowed_actions, next_state

CLAUSE = "000 §(二)(5)"

# 000 §(二)(5): 在10个工作日内以书面形式反馈 — the default, configurable per community or body.
ANSWER_WORKING_DAYS = 10
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
