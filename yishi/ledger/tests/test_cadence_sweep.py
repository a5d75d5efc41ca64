"""Reminders ahead of a cadence's deadline and flags once it is missed (issue 14, item 4):
the community's staff two weeks before a period falls due while it is not yet held, the
township too once it is missed; once per period, with the clause in words."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from yishi.core.clauses import in_words
from yishi.core.models import Notification, Reminder
from yishi.core.sweeps import registered
from yishi.ledger import cadence
from yishi.ledger.sweeps import cadence_reminders

from . import builders as b

pytestmark = pytest.mark.django_db

DAY = date(2026, 6, 20)  # ten days before the second quarter's due date


def _subjects(username: str) -> list[str]:
    return sorted(Notification.objects.filter(recipient__username=username)
                  .values_list("subject", flat=True))


@pytest.fixture
def held(tree: dict[str, Any], people: dict[str, Any]) -> None:
    # 桃园村 held its councils in both quarters; 幸福社区 none; neither held another meeting.
    b.consultation(tree["b"], b.at(2026, 2, 10), title="二月议事")
    b.consultation(tree["b"], b.at(2026, 5, 10), title="五月议事")


def test_the_sweep_is_registered() -> None:
    assert registered()["ledger.cadence_reminders"] is cadence_reminders


def test_due_soon_reminds_the_community_and_missed_flags_it_with_the_township(
        tree: dict[str, Any], held: None) -> None:
    sent = cadence_reminders(DAY)
    kinds = set(Reminder.objects.values_list("kind", "object_id"))
    a, v = str(tree["a"].pk), str(tree["b"].pk)
    assert kinds == {
        ("cadence.due:council:2026-q2", a), ("cadence.missed:council:2026-q1", a),
        ("cadence.missed:residents:2026-start", a),
        ("cadence.due:representatives:2026-q2", v),
        ("cadence.missed:representatives:2026-q1", v),
    }
    assert sent == 5
    # 幸福社区's staff hears of its three, 桃园村's of its two; the township of the missed.
    assert len(_subjects("staff_a")) == 3 and len(_subjects("staff_b")) == 2
    assert len(_subjects("township")) == 3
    due = Notification.objects.get(recipient__username="staff_a",
                                   link__startswith="/ledger/", subject__contains="2026-06-30")
    assert in_words(cadence.CLAUSE_COUNCIL) in due.body
    told = " ".join(Notification.objects.filter(recipient__username="township")
                    .values_list("body", flat=True))
    for clause in (cadence.CLAUSE_COUNCIL, cadence.CLAUSE_RESIDENTS,
                   cadence.CLAUSE_REPRESENTATIVES):
        assert in_words(clause) in told


def test_a_second_run_sends_nothing(tree: dict[str, Any], held: None) -> None:
    assert cadence_reminders(DAY) == 5
    before = Notification.objects.count()
    assert cadence_reminders(DAY) == 0
    assert Notification.objects.count() == before


def test_nothing_is_reminded_too_early_or_once_held(tree: dict[str, Any], held: None) -> None:
    # On 1 June the second quarter is a month away and the first's misses are flagged only.
    cadence_reminders(date(2026, 6, 1))
    assert not Reminder.objects.filter(kind__startswith="cadence.due").exists()
    # 桃园村's councils were held: no council reminder of any kind for it.
    assert not Reminder.objects.filter(kind__contains=":council:",
                                       object_id=str(tree["b"].pk)).exists()


def test_an_old_miss_is_not_flagged_a_year_later(tree: dict[str, Any], held: None) -> None:
    cadence_reminders(date(2027, 6, 20))
    assert not Reminder.objects.filter(kind__contains=":2026-").exists()


def test_every_reminder_kind_fits_its_column() -> None:
    width = Reminder._meta.get_field("kind").max_length
    for key, c in cadence.CADENCES.items():
        for spec in cadence.PERIODS[c.period]:
            for what in ("cadence.due", "cadence.missed"):
                assert len(f"{what}:{key}:9999-{spec.key}") <= width
