"""The follow-up records in the ledger: implementation tasks (落实任务) and entrusted answers
(委托事项书面反馈), read from ``yishi.followup``.

Overdue follows followup's own querysets (not done, or not answered, after the due day);
the dashboards count them with one GROUP BY per kind rather than a count per place.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yishi.core import clock
from yishi.followup import rules as followup_rules
from yishi.followup.models import Adoption, EntrustedAnswer, ImplementationTask

if TYPE_CHECKING:
    from datetime import date

    from yishi.consult.models import Outcome, Topic
    from yishi.places.models import Place

    from .selectors import Period


def overdue_counts(place: Place, today: date, rows: str) -> dict[str, dict[int, int]]:
    """{"overdue_answers": {row id: n}, "overdue_tasks": {row id: n}}: two GROUP BY queries."""
    from .selectors import _key, subtree_ids

    key = _key("community", rows)
    out: dict[str, dict[int, int]] = {}
    under = subtree_ids(place)
    answers = EntrustedAnswer.objects.filter(community__in=under).overdue(today)
    tasks = ImplementationTask.objects.filter(community__in=under).overdue(today)
    for name, qs in (("overdue_answers", answers), ("overdue_tasks", tasks)):
        out[name] = {
            r[key]: r["n"]
            for r in qs.order_by().values(key).annotate(n=Count("pk"))
        }
    return out


# --- The ledger's records ----------------------------------------------------------------


def ledger_tasks(place: Place, p: Period) -> QuerySet[ImplementationTask]:
    from .selectors import subtree_ids

    """Tasks open at some time in the year: created before its end and not done before it
    began (so a task carried over from last year is in this year's ledger too)."""
    return (
        ImplementationTask.objects.filter(community__in=subtree_ids(place))
        .filter(Q(created_at__lt=p.end)
                & (~Q(state=followup_rules.TaskState.DONE) | Q(completed_at__gte=p.start)))
        .select_related("community", "topic", "owner_person", "owner_place")
        .order_by("community__path", "deadline", "pk")
    )


def ledger_answers(place: Place, p: Period) -> QuerySet[EntrustedAnswer]:
    from .selectors import subtree_ids

    """Entrusted answers awaited at some time in the year: reported before its end and not
    answered before it began."""
    return (
        EntrustedAnswer.objects.filter(community__in=subtree_ids(place))
        .filter(Q(reported_at__lt=p.end)
                & (Q(state=followup_rules.AnswerState.AWAITING) | Q(answered_at__gte=p.start)))
        .select_related("community", "topic", "body", "escalated_to")
        .order_by("community__path", "due_date", "pk")
    )


def record_counts(place: Place, p: Period) -> dict[str, int]:
    return {"tasks": ledger_tasks(place, p).count(), "answers": ledger_answers(place, p).count()}


def _overdue_mark(late: bool) -> str:
    return str(_("Yes")) if late else str(_("No"))


def task_rows(tasks: Iterable[ImplementationTask], today: date) -> Iterator[tuple[Any, ...]]:
    from .selectors import local, overdue_days

    for t in tasks:
        late = t.is_overdue(today)
        yield (
            t.community.name, t.topic_id, t.topic.title, t.title, t.owner_label, t.deadline,
            str(followup_rules.TASK_STATES.get(t.state, t.state)), local(t.completed_at),
            _overdue_mark(late), overdue_days(t.deadline, today) if late else 0,
        )


def answer_rows(answers: Iterable[EntrustedAnswer], today: date) -> Iterator[tuple[Any, ...]]:
    from .selectors import overdue_days

    adoption = dict(Adoption.choices)
    for a in answers:
        late = a.is_overdue(today)
        if late:
            days = overdue_days(a.due_date, today)
        elif a.answered_late and a.answered_on:
            days = (a.answered_on - a.due_date).days
        else:
            days = 0
        yield (
            a.community.name, a.topic_id, a.topic.title, a.body.name, a.reported_on, a.due_date,
            str(_("Yes")) if a.due_provisional else "",
            str(followup_rules.ANSWER_STATES.get(a.state, a.state)), a.answered_on,
            str(adoption.get(a.adoption, a.adoption)) if a.adoption else "",
            _overdue_mark(late or a.answered_late), days,
            a.escalated_to.name if a.escalated_to else "",
        )


def sheets(place: Place, p: Period, read: Callable[[Any], Iterable[Any]] = list) -> list[Any]:
    from .sheets import Column, Sheet

    task_columns = [
        Column("村（社区）", _("Community"), 16),
        Column("议题编号", _("Topic no."), 10, "int"),
        Column("议题", _("Topic"), 24),
        Column("落实任务", _("Task"), 28),
        Column("责任人或责任单位", _("Owner"), 16),
        Column("完成期限", _("Deadline"), 12, "date"),
        Column("状态", _("State"), 10),
        Column("完成时间", _("Completed at"), 17, "datetime"),
        Column("是否逾期", _("Overdue"), 10),
        Column("逾期天数", _("Days overdue"), 10, "int"),
    ]
    answer_columns = [
        Column("村（社区）", _("Community"), 16),
        Column("议题编号", _("Topic no."), 10, "int"),
        Column("议题", _("Topic"), 24),
        Column("委托单位", _("Body asked"), 16),
        Column("报送日期", _("Reported on"), 12, "date"),
        Column("答复期限", _("Answer due"), 12, "date"),
        Column("期限暂定", _("Provisional due date"), 10),
        Column("状态", _("State"), 12),
        Column("书面答复日期", _("Answered on"), 12, "date"),
        Column("采纳情况", _("Adoption"), 14),
        Column("是否逾期", _("Overdue"), 10),
        Column("逾期天数", _("Days overdue"), 10, "int"),
        Column("已上报至", _("Escalated to"), 14),
    ]
    return [
        Sheet("tasks", "落实任务", _("Implementation tasks"), task_columns,
              lambda: read(ledger_tasks(place, p)), lambda tasks: task_rows(tasks, p.today)),
        Sheet("answers", "委托答复", _("Entrusted answers"), answer_columns,
              lambda: read(ledger_answers(place, p)),
              lambda answers: answer_rows(answers, p.today)),
    ]


# --- City-scale rows for the benchmark -----------------------------------------------------


def generate_for(gen: Any, topics: list[Topic], outcomes: list[Outcome]) -> None:
    """A task for most outcomes and an entrusted answer for each entrusted topic's outcome."""
    rng: random.Random = gen.rng
    by_topic = {t.pk: t for t in topics}
    tasks, answers = [], []
    today = gen.today
    for o in outcomes:
        t = by_topic[o.topic_id]
        filed = o.filed_at or clock.now()
        filed_on = timezone.localtime(filed).date()
        if rng.random() < 0.6:
            deadline = filed_on + timedelta(days=rng.choice((14, 30, 60)))
            done = deadline < today and rng.random() < 0.9
            tasks.append(ImplementationTask(
                topic=t, outcome=o, community_id=t.community_id, title="按共识组织实施",
                owner_body="社区居委会", deadline=deadline, state="done" if done else "open",
                created_by=gen.user, created_at=filed,
                completed_at=filed + timedelta(days=rng.randint(3, 40)) if done else None,
            ))
        if t.entrusted_by:
            due = filed_on + timedelta(days=14)
            answered = due < today and rng.random() < 0.85
            answered_at = filed + timedelta(days=rng.randint(2, 20)) if answered else None
            answers.append(EntrustedAnswer(
                topic=t, community_id=t.community_id, body_id=t.community.parent_id or t.community_id,
                reported_by=gen.user, reported_at=filed, reported_on=filed_on,
                report_text="协商结果报送", answer_days=10, due_date=due,
                state="answered" if answered else "awaiting",
                answer_text="已书面反馈" if answered else "", adoption="adopted" if answered else "",
                answered_by=gen.user if answered else None, answered_at=answered_at,
                answered_on=timezone.localtime(answered_at).date() if answered_at else None,
            ))
    ImplementationTask.objects.bulk_create(tasks)
    EntrustedAnswer.objects.bulk_create(answers)
