"""The daily deadline sweep of 落实反馈, registered as ``followup_deadlines``.

Idempotent: each reminder goes out once per record and kind (``remind_once``), and an
overdue answer is escalated to the township once (``escalated_at``, under a row lock).
Pass ``today`` to run it for another day (tests freeze the day that way).
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from yishi.core.clauses import in_words
from yishi.core.sweeps import not_reminded, register, remind_once
from yishi.core.workdays import add_working_days

from . import rules
from .access import body_users, staff_users
from .models import EntrustedAnswer, ImplementationTask
from .services import escalate_overdue_answer

ANSWER_DUE_SOON = "followup.answer_due_soon"
ANSWER_OVERDUE = "followup.answer_overdue"
TASK_DUE_SOON = "followup.task_due_soon"
TASK_OVERDUE = "followup.task_overdue"


def answers_due_soon(today: date) -> int:
    """Remind the body asked when its answer is due within two working days."""
    horizon = add_working_days(today, rules.DUE_SOON_WORKING_DAYS).date
    rows = not_reminded(EntrustedAnswer.objects.awaiting()
                        .filter(due_date__gte=today, due_date__lte=horizon), ANSWER_DUE_SOON)
    sent = 0
    for a in rows.select_related("topic", "body").order_by("due_date", "pk"):
        sent += remind_once(
            kind=ANSWER_DUE_SOON, obj=a, recipients=body_users(a.body, today),
            subject=_("Due soon: the written answer on “%(topic)s” is due on %(date)s")
            % {"topic": a.topic.title, "date": a.due_date.isoformat()},
            body=_("Answer in writing within %(n)d working days of the report (%(clause)s).")
            % {"n": a.answer_days, "clause": in_words("000 §(二)(5)")},
            link=reverse("followup:answer", args=[a.pk]),
        )
    return sent


def answers_overdue(today: date) -> int:
    """Flag overdue answers to the body and the community, and escalate each to the township."""
    done = 0
    overdue = EntrustedAnswer.objects.overdue(today)
    for a in not_reminded(overdue, ANSWER_OVERDUE).select_related("topic", "body", "community"):
        done += remind_once(
            kind=ANSWER_OVERDUE, obj=a,
            recipients=body_users(a.body, today) + staff_users(a.community, today),
            subject=_("Overdue: the written answer on “%(topic)s” was due on %(date)s")
            % {"topic": a.topic.title, "date": a.due_date.isoformat()},
            body=_("The matter is escalated to the township."),
            link=reverse("followup:answer", args=[a.pk]),
        )
    for a in overdue.filter(escalated_at__isnull=True).order_by("due_date", "pk"):
        done += escalate_overdue_answer(answer=a, today=today)
    return done


def task_reminders(today: date) -> int:
    """Tell the community's staff of tasks due within two working days, and of overdue ones."""
    horizon = add_working_days(today, rules.DUE_SOON_WORKING_DAYS).date
    open_tasks = ImplementationTask.objects.open()
    sent = 0
    for kind, rows in (
        (TASK_DUE_SOON, open_tasks.filter(deadline__gte=today, deadline__lte=horizon)),
        (TASK_OVERDUE, open_tasks.filter(deadline__lt=today)),
    ):
        for t in not_reminded(rows, kind).select_related("community", "owner_person__user",
                                                        "owner_place"):
            owners = [t.owner_person.user] if t.owner_person and t.owner_person.user else []
            if t.owner_place is not None:
                owners += body_users(t.owner_place, today)
            subject = (_("Overdue task: %(title)s (due %(date)s)") if kind == TASK_OVERDUE
                       else _("Task due soon: %(title)s (due %(date)s)"))
            sent += remind_once(
                kind=kind, obj=t, recipients=owners + staff_users(t.community, today),
                subject=subject % {"title": t.title, "date": t.deadline.isoformat()},
                link=reverse("followup:task", args=[t.pk]),
            )
    return sent


@register("followup_deadlines")
def sweep(today: date) -> int:
    """All follow-up deadlines for ``today``; returns how many things it did."""
    return answers_due_soon(today) + answers_overdue(today) + task_reminders(today)
