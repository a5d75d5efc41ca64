"""Entrusted topics: report, written answer within 10 working days, reminders, escalation."""

from __future__ import annotations

from datetime import date

import pytest

from yishi.core.exceptions import PermissionDenied, RuleViolation
from yishi.core.models import AuditEvent, Notification, Reminder
from yishi.core.sweeps import run
from yishi.followup import selectors, services
from yishi.followup.models import EntrustedAnswer, FollowupSettings
from yishi.followup.sweeps import ANSWER_DUE_SOON, ANSWER_OVERDUE, sweep

from .factories import topic_with_outcome

REPORTED = date(2025, 9, 26)  # the Friday before National Day 2025
# 09-28 (Sun) and 10-11 (Sat) are make-up working days; 10-01…10-08 are holidays, so the
# 10th working day after the report is 09-28, 29, 30, 10-09, 10, 11, 13, 14, 15, 16.
DUE = date(2025, 10, 16)


def _notes(user, kind_text: str = "") -> int:  # type: ignore[no-untyped-def]
    return Notification.objects.filter(recipient=user, subject__contains=kind_text).count()


def test_entrusted_answer_goes_overdue_across_national_day(tree, users, bodies, entrusted):
    """Done means: due date, reminder, escalation and the dashboard figure, across a holiday."""
    answer = services.report_to_entrusting_body(actor=users["staff_a"], topic=entrusted,
                                                on=REPORTED)
    assert answer.body == bodies["asked"]
    assert answer.answer_days == 10
    assert answer.due_date == DUE and not answer.due_provisional
    dept, township = bodies["asked_user"], users["township"]
    assert _notes(dept) == 1  # the report itself

    # Three working days before (Mon 10-13): no reminder yet.
    assert sweep(date(2025, 10, 13)) == 0
    assert not Reminder.objects.filter(kind=ANSWER_DUE_SOON).exists()
    # Two working days before (Tue 10-14): the body asked is reminded, once.
    assert sweep(date(2025, 10, 14)) == 1
    assert Reminder.objects.filter(kind=ANSWER_DUE_SOON, object_id=str(answer.pk)).count() == 1
    assert _notes(dept) == 2
    assert sweep(date(2025, 10, 14)) == 0 and sweep(date(2025, 10, 15)) == 0
    assert _notes(dept) == 2
    # On the due day it is still in time: not overdue, nothing escalated.
    assert sweep(DUE) == 0
    assert selectors.overdue_answers_count(tree["city"], DUE) == 0
    assert _notes(township) == 0

    # The day after: overdue, flagged to the body and the community, escalated to the township.
    overdue_day = date(2025, 10, 17)
    assert sweep(overdue_day) == 2  # the overdue flag and the escalation
    answer.refresh_from_db()
    assert answer.is_overdue(overdue_day)
    assert answer.escalated_at is not None and answer.escalated_to == tree["street"]
    assert _notes(township) == 1
    assert Reminder.objects.filter(kind=ANSWER_OVERDUE).count() == 1
    assert AuditEvent.objects.filter(action="followup.entrusted.escalate",
                                     object_id=str(answer.pk)).count() == 1
    # Idempotent: later sweeps escalate nothing again.
    assert sweep(overdue_day) == 0 and sweep(date(2025, 10, 20)) == 0
    assert _notes(township) == 1

    # The dashboard figure, for the community, the street and the city; not for village B.
    for place in (tree["a"], tree["street"], tree["city"]):
        assert selectors.overdue_answers_count(place, overdue_day) == 1
    assert selectors.overdue_answers_count(tree["b"], overdue_day) == 0
    assert selectors.overdue_by_community(tree["city"], overdue_day) == {
        tree["a"].pk: {"answers": 1, "tasks": 0}}

    # A late answer clears the figure and is marked late.
    late = services.answer_entrusted_topic(actor=dept, answer=answer, text="已研究吸纳。",
                                           adoption="adopted", today=date(2025, 10, 20))
    assert late.answered_late
    assert selectors.overdue_answers_count(tree["city"], date(2025, 10, 20)) == 0


def test_the_registry_runs_the_followup_sweep(users, entrusted):
    services.report_to_entrusting_body(actor=users["staff_a"], topic=entrusted, on=REPORTED)
    results = run(names=["followup_deadlines"], today=date(2025, 10, 17))
    assert results == {"followup_deadlines": 2}
    assert run(names=["followup_deadlines"], today=date(2025, 10, 17)) == {
        "followup_deadlines": 0}


def test_an_answer_from_a_body_not_asked_is_refused_and_nothing_is_written(users, bodies,
                                                                            entrusted):
    answer = services.report_to_entrusting_body(actor=users["staff_a"], topic=entrusted,
                                                on=REPORTED)
    events, notes = AuditEvent.objects.count(), Notification.objects.count()
    for outsider in (bodies["other_user"], users["township"], users["staff_a"]):
        with pytest.raises(PermissionDenied, match="区民政局") as refused:
            services.answer_entrusted_topic(actor=outsider, answer=answer, text="越俎代庖",
                                            adoption="adopted")
        assert refused.value.rule == "body"
    answer.refresh_from_db()
    assert answer.state == "awaiting" and answer.answer_text == "" and answer.answered_by is None
    assert (AuditEvent.objects.count(), Notification.objects.count()) == (events, notes)


def test_the_body_asked_answers_once(users, bodies, entrusted):
    answer = services.report_to_entrusting_body(actor=users["staff_a"], topic=entrusted)
    done = services.answer_entrusted_topic(actor=bodies["asked_user"], answer=answer,
                                           text="同意，列入明年计划。", adoption="partly")
    assert done.state == "answered" and not done.answered_late
    assert Notification.objects.filter(recipient=users["staff_a"]).exists()
    with pytest.raises(RuleViolation) as refused:
        services.answer_entrusted_topic(actor=bodies["asked_user"], answer=answer,
                                        text="再答一次", adoption="adopted")
    assert refused.value.rule == "duplicate"


def test_a_township_that_entrusted_a_topic_answers_it(tree, users):
    topic = topic_with_outcome(tree["a"], entrusted_by="和平街道")
    answer = services.report_to_entrusting_body(actor=users["staff_a"], topic=topic)
    assert answer.body == tree["street"]
    services.answer_entrusted_topic(actor=users["township"], answer=answer, text="已办",
                                    adoption="adopted")


def test_answer_days_are_configurable_per_body_and_per_community(tree, users, bodies,
                                                                  entrusted):
    FollowupSettings.objects.create(place=tree["a"], answer_days=5)
    assert selectors.answer_days_for(tree["a"], bodies["asked"]) == 5
    FollowupSettings.objects.create(place=bodies["asked"], answer_days=8)
    answer = services.report_to_entrusting_body(actor=users["staff_a"], topic=entrusted,
                                                on=REPORTED)
    assert answer.answer_days == 8  # the body's own row wins over the community's
    # 8th working day: 9-28 (a make-up Sunday), 29, 30, then 10-9, 10, 11 (Saturday), 13, 14.
    assert answer.due_date == date(2025, 10, 14)


def test_reporting_refuses_unknown_bodies_other_topics_and_twice(tree, users, entrusted):
    unknown = topic_with_outcome(tree["a"], entrusted_by="不存在的局")
    with pytest.raises(RuleViolation, match="不存在的局") as refused:
        services.report_to_entrusting_body(actor=users["staff_a"], topic=unknown)
    assert refused.value.rule == "body"
    ordinary = topic_with_outcome(tree["a"])
    with pytest.raises(RuleViolation) as refused:
        services.report_to_entrusting_body(actor=users["staff_a"], topic=ordinary)
    assert refused.value.rule == "entrusted"
    with pytest.raises(PermissionDenied):
        services.report_to_entrusting_body(actor=users["staff_b"], topic=entrusted)
    services.report_to_entrusting_body(actor=users["staff_a"], topic=entrusted)
    with pytest.raises(RuleViolation) as refused:
        services.report_to_entrusting_body(actor=users["staff_a"], topic=entrusted)
    assert refused.value.rule == "duplicate"
    assert EntrustedAnswer.objects.count() == 1


def test_a_due_date_beyond_the_holiday_data_is_provisional(users, entrusted):
    answer = services.report_to_entrusting_body(actor=users["staff_a"], topic=entrusted,
                                                on=date(2026, 12, 24))
    assert answer.due_provisional
    assert answer.due_date.year == 2027
