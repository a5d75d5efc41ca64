"""Side-by-side sweeps and two officials answering at once, on PostgreSQL with threads."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from yishi.core.exceptions import RuleViolation
from yishi.core.models import AuditEvent, Notification
from yishi.core.tests.threads import run_together
from yishi.followup import services
from yishi.followup.models import EntrustedAnswer
from yishi.followup.sweeps import sweep
from yishi.places.models import Role, RoleKind

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_four_sweeps_at_once_escalate_an_overdue_answer_once(users, entrusted):
    answer = services.report_to_entrusting_body(actor=users["staff_a"], topic=entrusted,
                                                on=date(2025, 9, 26))
    day = date(2025, 10, 17)
    results = run_together([lambda: sweep(day) for _ in range(4)])
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 2  # one overdue flag, one escalation, whoever did them
    assert AuditEvent.objects.filter(action="followup.entrusted.escalate",
                                     object_id=str(answer.pk)).count() == 1
    assert Notification.objects.filter(recipient=users["township"]).count() == 1


def test_two_officials_of_the_body_answering_at_once_record_one_answer(users, bodies,
                                                                        entrusted):
    answer = services.report_to_entrusting_body(actor=users["staff_a"], topic=entrusted)
    colleague = users["resident_a"]
    Role.objects.create(person=colleague.person, place=bodies["asked"], kind=RoleKind.DEPARTMENT,
                        start=date(2020, 1, 1))
    results = run_together([
        lambda: services.answer_entrusted_topic(actor=bodies["asked_user"], answer=answer,
                                                text="甲", adoption="adopted"),
        lambda: services.answer_entrusted_topic(actor=colleague, answer=answer, text="乙",
                                                adoption="partly"),
    ])
    assert sum(isinstance(r, EntrustedAnswer) for r in results) == 1, results
    assert sum(isinstance(r, RuleViolation) for r in results) == 1, results
    assert AuditEvent.objects.filter(action="followup.entrusted.answer").count() == 1
