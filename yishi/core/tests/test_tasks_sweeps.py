"""Deadline sweeps: expired joint proposals close, staff are reminded once, apps add sweeps.

The days are around National Day 2025 (10-01 to 10-08 off): on Monday 09-29 "due within
two working days" reaches Thursday 10-09.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from yishi.core import sweeps
from yishi.core.channels import read_outbox
from yishi.core.models import AuditEvent, Notification, Reminder
from yishi.intake.models import JointProposal, Opinion
from yishi.intake.rules import OpinionState, ProposalState

from . import test_tasks_worker
from .test_tasks_worker import run_worker

outbox = test_tasks_worker.outbox  # the fixture, shared

MONDAY = date(2025, 9, 29)
REMINDERS = ["intake.opinion_due_soon", "intake.opinion_overdue"]


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The sweep registry, restored after the test."""
    saved = dict(sweeps.registered())
    monkeypatch.setattr(sweeps, "_registry", saved)
    return saved


def opinion(people: dict[str, Any], tree: dict[str, Any], due: date, *, community: str = "a",
            state: str = OpinionState.SUBMITTED) -> Opinion:
    seq = Opinion.objects.count() + 1
    return Opinion.objects.create(
        community=tree[community], place=tree[community], year=2025, seq=seq,
        number=f"MQ-2025-{seq:05d}", title=f"意见{seq}", text="路灯不亮", category="traffic",
        raised_by=people[f"resident_{community}"], state=state,
        submitted_at=timezone.now(), due_date=due,
    )


def subjects_for(username: str) -> list[str]:
    return sorted(Notification.objects.filter(recipient__username=username)
                  .values_list("subject", flat=True))


@pytest.mark.django_db
def test_staff_are_reminded_of_answers_due_within_two_working_days_once(
    people: dict[str, Any], tree: dict[str, Any]
) -> None:
    across_holiday = opinion(people, tree, date(2025, 10, 9))  # Tue 09-30, Thu 10-09
    opinion(people, tree, date(2025, 10, 10))  # three working days away
    overdue = opinion(people, tree, date(2025, 9, 26))
    opinion(people, tree, date(2025, 9, 26), state=OpinionState.ANSWERED)
    in_b = opinion(people, tree, MONDAY, community="b")

    assert sweeps.run(names=REMINDERS, today=MONDAY) == {
        "intake.opinion_due_soon": 2, "intake.opinion_overdue": 1,
    }
    a_subjects = subjects_for("staff_a")
    assert len(a_subjects) == 2
    assert any(across_holiday.number in s and "2025-10-09" in s for s in a_subjects)
    assert any(overdue.number in s for s in a_subjects)
    assert [in_b.number in s for s in subjects_for("staff_b")] == [True]
    # Only the community's own staff: not the street official, not the courier.
    assert subjects_for("township") == [] and subjects_for("courier_a") == []

    # A second run the same day sends nothing new.
    assert sweeps.run(names=REMINDERS, today=MONDAY) == {
        "intake.opinion_due_soon": 0, "intake.opinion_overdue": 0,
    }
    assert Notification.objects.count() == 3
    assert Reminder.objects.count() == 3

    # The next day only what changed: 10-10 comes within two working days, B's is overdue.
    assert sweeps.run(names=REMINDERS, today=MONDAY + timedelta(days=1)) == {
        "intake.opinion_due_soon": 1, "intake.opinion_overdue": 1,
    }
    # After the holiday the one due 10-09 is overdue: a new kind, so one new flag.
    assert sweeps.run(names=REMINDERS, today=date(2025, 10, 10)) == {
        "intake.opinion_due_soon": 0, "intake.opinion_overdue": 1,
    }
    assert Reminder.objects.filter(object_id=str(across_holiday.pk)).count() == 2
    assert Notification.objects.count() == 6


@pytest.mark.django_db
def test_an_opinion_answered_in_time_is_not_flagged(
    people: dict[str, Any], tree: dict[str, Any]
) -> None:
    o = opinion(people, tree, date(2025, 10, 9))
    Opinion.objects.filter(pk=o.pk).update(state=OpinionState.ANSWERED)
    assert sweeps.run(names=REMINDERS, today=MONDAY) == {
        "intake.opinion_due_soon": 0, "intake.opinion_overdue": 0,
    }


@pytest.mark.django_db
def test_a_reminder_with_nobody_to_tell_is_kept_for_later(
    people: dict[str, Any], tree: dict[str, Any]
) -> None:
    o = opinion(people, tree, MONDAY)
    assert sweeps.remind_once(kind="opinion.due_soon", obj=o, recipients=[], subject="x") is False
    assert not Reminder.objects.exists()
    staff = people["staff_a"].user
    assert sweeps.remind_once(kind="opinion.due_soon", obj=o, recipients=[staff], subject="x")
    assert not sweeps.remind_once(kind="opinion.due_soon", obj=o, recipients=[staff],
                                  subject="x")
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_expired_joint_proposals_are_closed_once_with_an_audit_event(
    people: dict[str, Any], tree: dict[str, Any]
) -> None:
    common = {"community": tree["a"], "proposer": people["resident_a"], "title": "加装电梯",
              "text": "老旧小区加装电梯", "category": "property", "state": ProposalState.OPEN}
    expired = JointProposal.objects.create(closes_on=MONDAY - timedelta(days=1), **common)
    still_open = JointProposal.objects.create(closes_on=MONDAY, **common)

    assert sweeps.run(names=["intake.close_expired_proposals"], today=MONDAY) == {
        "intake.close_expired_proposals": 1,
    }
    expired.refresh_from_db()
    still_open.refresh_from_db()
    assert expired.state == ProposalState.CLOSED
    assert still_open.state == ProposalState.OPEN
    assert AuditEvent.objects.filter(action="proposal.close", object_id=str(expired.pk)).count() == 1
    assert sweeps.run(names=["intake.close_expired_proposals"], today=MONDAY) == {
        "intake.close_expired_proposals": 0,
    }


@pytest.mark.django_db(transaction=True)
def test_sweeps_run_by_the_worker_send_each_reminder_once(
    people: dict[str, Any], tree: dict[str, Any], outbox: Any
) -> None:
    opinion(people, tree, MONDAY)
    for _ in range(2):
        call_command("run_sweeps", "--today", MONDAY.isoformat(), verbosity=0)
        run_worker()
    sweeps_run = DBTaskResult.objects.filter(task_path="yishi.core.tasks.sweep_deadlines")
    assert [t.status for t in sweeps_run] == [TaskResultStatus.SUCCESSFUL] * 2
    messages = read_outbox()
    # Other sweeps have their reminders too (the calendar's meetings): each once, and the
    # opinion's once.
    assert len({(m["address"], m["subject"]) for m in messages}) == len(messages)
    [message] = [m for m in messages if "MQ-2025-00001" in m["subject"]]
    assert message["address"] == "staff_a"


@pytest.mark.django_db
def test_an_app_registers_its_own_sweep(registry: dict[str, Any]) -> None:
    seen: list[date] = []

    @sweeps.register("followup.example")
    def example(today: date) -> int:
        seen.append(today)
        return 7

    sweeps.register("followup.other", lambda today: 0)
    assert {"followup.example", "followup.other"} <= set(sweeps.registered())
    assert sweeps.run(names=["followup.example"], today=MONDAY) == {"followup.example": 7}
    assert seen == [MONDAY]
    with pytest.raises(ValueError, match="already registered"):
        sweeps.register("followup.example", lambda today: 1)
    with pytest.raises(KeyError):
        sweeps.run(names=["no.such.sweep"])


@pytest.mark.django_db
def test_a_failing_sweep_does_not_stop_the_others(registry: dict[str, Any]) -> None:
    ran: list[str] = []

    def broken(today: date) -> int:
        raise RuntimeError("boom")

    def fine(today: date) -> int:
        ran.append("fine")
        return 1

    sweeps.register("test.broken", broken)
    sweeps.register("test.fine", fine)
    with pytest.raises(sweeps.SweepFailed, match="test.broken") as failure:
        sweeps.run(names=["test.broken", "test.fine"], today=MONDAY)
    assert ran == ["fine"]
    assert "'test.fine': 1" in str(failure.value)


@pytest.mark.django_db
def test_run_sweeps_lists_runs_now_and_refuses_an_unknown_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("run_sweeps", "--list")
    assert "intake.opinion_overdue" in capsys.readouterr().out
    call_command("run_sweeps", "--now", "--only", "intake.close_expired_proposals")
    assert capsys.readouterr().out.strip() == "intake.close_expired_proposals: 0"
    assert not DBTaskResult.objects.exists()
    with pytest.raises(CommandError, match="unknown sweep"):
        call_command("run_sweeps", "--only", "nope")


@pytest.mark.django_db
def test_a_rerun_costs_the_same_queries_however_many_were_reminded(
    people: dict[str, Any], tree: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(30):
        opinion(people, tree, date(2025, 9, 1))
    assert sweeps.run(names=["intake.opinion_overdue"], today=MONDAY) == {
        "intake.opinion_overdue": 30,
    }
    # Already-reminded opinions are left out in the database, not loaded and compared.
    with django_assert_max_num_queries(2):
        assert sweeps.run(names=["intake.opinion_overdue"], today=MONDAY) == {
            "intake.opinion_overdue": 0,
        }
